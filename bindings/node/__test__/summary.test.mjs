// `{ summary: true }`: a ReplySummary equals the fields of the full report it
// summarizes, on the shared golden cases (with and without the customer
// message), for single calls, batches and scoreManyAsync; bad arguments fail
// as they do on the full path. Needs a build with the `testing` feature
// (`npm run build:test`) for the reference transfer.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import empathize, { Analyzer, score, scoreMany, scoreManyAsync, scoreReply } from 'empathize'

import { camel, input, loadGolden } from './golden.mjs'

const { _referenceJson } = empathize
const here = dirname(fileURLToPath(import.meta.url))
const schema = JSON.parse(readFileSync(join(here, '../../../tests/schema/reports.json'), 'utf8'))
/** The fields of a full report and of a summary, camelCased (reports.json sorts them). */
const FULL = schema.MessageReport.map(camel)
const FIELDS = new Set(schema.ReplySummary.map(camel))
const LEFT_OUT = FULL.filter((f) => !FIELDS.has(f))

const replies = loadGolden('messages.json').cases.filter((c) => (c.kind ?? 'reply') === 'reply')
const texts = replies.map((c) => input(c, 'text'))
const customers = replies.map((c) => input(c, 'customer') ?? '')

/** The fields of a full report that its summary carries, in the report's key order. */
function summarized(report) {
  assert.ok(FULL.every((f) => f in report), 'a full report')
  return Object.fromEntries(Object.keys(report).filter((k) => FIELDS.has(k)).map((k) => [k, report[k]]))
}

/** Same values and the same key order. */
function assertSummarizes(summary, report, what) {
  const expected = summarized(report)
  assert.deepStrictEqual(summary, expected, what)
  assert.deepStrictEqual(Object.keys(summary), Object.keys(expected), `${what}: key order`)
  assert.equal(JSON.stringify(summary), JSON.stringify(expected), `${what}: JSON text`)
}

test('the schema says what a summary leaves out', () => {
  assert.deepEqual(LEFT_OUT, ['breakdown', 'evidence', 'matches'])
  assert.equal(FIELDS.size, schema.ReplySummary.length)
})

describe('golden replies: summary equals the report', () => {
  test('the cases hold customer context and matches (the comparison is not vacuous)', () => {
    assert.ok(replies.length >= 20)
    assert.ok(replies.filter((c) => c.customer).length >= 5)
    assert.ok(texts.some((t) => score(t).matches.length > 0))
    assert.ok(replies.every((c) => !c.customer || score(input(c, 'text'), { customer: input(c, 'customer'), summary: true }).context !== null))
  })

  for (const kase of replies) {
    test(kase.name, () => {
      const text = input(kase, 'text')
      const customer = input(kase, 'customer')
      assertSummarizes(score(text, { customer, summary: true }), score(text, { customer }), 'score')
      assertSummarizes(score(text, { summary: true }), score(text), 'score without customer')
      if (customer !== undefined && customer !== null) {
        assertSummarizes(scoreReply(customer, text, { summary: true }), scoreReply(customer, text), 'scoreReply')
      }
      // The transfer gives what JSON.parse of the core's serde JSON gives.
      assert.deepStrictEqual(score(text, { customer, summary: true }), JSON.parse(_referenceJson('scoreSummary', text, customer)))
    })
  }
})

describe('batches', () => {
  const analyzer = new Analyzer()

  test('scoreMany: summaries of the reports, in order, with and without customers', () => {
    const summaries = analyzer.scoreMany(texts, { summary: true })
    const reports = analyzer.scoreMany(texts)
    assert.equal(summaries.length, texts.length)
    summaries.forEach((s, i) => assertSummarizes(s, reports[i], `#${i}`))
    const answered = analyzer.scoreMany(texts, { customers, summary: true })
    answered.forEach((s, i) => assertSummarizes(s, analyzer.score(texts[i], { customer: customers[i] }), `#${i} with customer`))
    assert.deepStrictEqual(scoreMany(texts.slice(0, 5), { summary: true }), texts.slice(0, 5).map((t) => score(t, { summary: true })))
  })

  test('scoreManyAsync: the same summaries as scoreMany', async () => {
    assert.deepStrictEqual(await analyzer.scoreManyAsync(texts, { summary: true }), analyzer.scoreMany(texts, { summary: true }))
    const answered = await scoreManyAsync(texts, { customers, summary: true })
    answered.forEach((s, i) => assertSummarizes(s, score(texts[i], { customer: customers[i] }), `#${i} async with customer`))
  })

  test('large batches (several encoding pieces) keep the order', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => `${texts[i % texts.length]} (#${i})`)
    const summaries = analyzer.scoreMany(many, { summary: true })
    assert.deepStrictEqual(await analyzer.scoreManyAsync(many, { summary: true }), summaries)
    for (const i of [0, 1, 1499, 2999]) assertSummarizes(summaries[i], analyzer.score(many[i]), `#${i}`)
  })

  test('empty batches', async () => {
    assert.deepStrictEqual(analyzer.scoreMany([], { summary: true }), [])
    assert.deepStrictEqual(await analyzer.scoreManyAsync([], { summary: true }), [])
  })
})

test('summary false, null or undefined gives the full report', async () => {
  const reply = "I'm so sorry, I'll refund it today."
  for (const summary of [false, null, undefined]) {
    assert.ok(Array.isArray(score(reply, { summary }).matches))
    assert.ok(Array.isArray(scoreReply('Upset!', reply, { summary }).matches))
    assert.ok(Array.isArray(scoreMany([reply], { summary })[0].matches))
    assert.ok(Array.isArray((await scoreManyAsync([reply], { summary }))[0].matches))
  }
  assert.ok(Array.isArray(scoreReply('Upset!', reply).matches))
  for (const field of LEFT_OUT) assert.ok(!(field in score(reply, { summary: true })), field)
})

/** The error `fn` throws (or its Promise rejects with): constructor, code, message. */
async function failure(fn) {
  try {
    await fn()
  } catch (err) {
    return { type: err.constructor.name, code: err.code, message: err.message }
  }
  assert.fail(`${fn} did not throw`)
}

describe('errors: as on the full path', () => {
  const analyzer = new Analyzer()
  const calls = {
    'score(42)': (o) => score(42, o),
    'score(null)': (o) => score(null, o),
    'score(Buffer)': (o) => score(Buffer.from('sorry'), o),
    'score customer 5': (o) => score('ok', { customer: 5, ...o }),
    'score customer []': (o) => score('ok', { customer: [], ...o }),
    'scoreReply(1, x)': (o) => scoreReply(1, 'x', o),
    'scoreReply(x)': (o) => analyzer.scoreReply('x', undefined, o),
    "scoreMany('a')": (o) => scoreMany('a', o),
    "scoreMany(['a', 2])": (o) => analyzer.scoreMany(['a', 2], o),
    'scoreMany customers string': (o) => analyzer.scoreMany(['a'], { customers: 'b', ...o }),
    'scoreMany customers [null]': (o) => analyzer.scoreMany(['a'], { customers: [null], ...o }),
    'scoreMany length mismatch': (o) => analyzer.scoreMany(['a', 'b'], { customers: ['c'], ...o }),
    'scoreManyAsync(5)': (o) => analyzer.scoreManyAsync(5, o),
    'scoreManyAsync length mismatch': (o) => analyzer.scoreManyAsync(['a', 'b'], { customers: ['c'], ...o }),
    'unknown option': (o) => score('ok', { customers: 'x', ...o }),
  }
  for (const [name, call] of Object.entries(calls)) {
    test(name, async () => {
      const full = await failure(() => call({}))
      const brief = await failure(() => call({ summary: true }))
      assert.ok(full.code === 'INVALID_ARG_TYPE' || full.code === 'INVALID_ARG', JSON.stringify(full))
      assert.equal(brief.type, full.type)
      assert.equal(brief.code, full.code)
      // The unknown-option message lists the keys given, nothing else differs.
      if (name !== 'unknown option') assert.equal(brief.message, full.message)
    })
  }

  test('summary must be a boolean', async () => {
    for (const bad of ['yes', 1, 0, {}, []]) {
      for (const call of [
        () => score('ok', { summary: bad }),
        () => scoreReply('upset', 'ok', { summary: bad }),
        () => scoreMany(['ok'], { summary: bad }),
        () => scoreManyAsync(['ok'], { summary: bad }),
      ]) {
        const err = await failure(call)
        assert.equal(err.type, 'TypeError', JSON.stringify(err))
        assert.equal(err.code, 'INVALID_ARG_TYPE')
        assert.match(err.message, /`summary` must be a boolean/)
      }
    }
  })

  test('options must be an object; unknown keys are named', async () => {
    const positional = await failure(() => scoreReply('upset', 'ok', true))
    assert.equal(positional.code, 'INVALID_ARG_TYPE')
    assert.match(positional.message, /scoreReply\(…, \{ summary \}\)/)
    const unknown = await failure(() => scoreReply('upset', 'ok', { customer: 'x' }))
    assert.equal(unknown.code, 'INVALID_ARG')
    assert.match(unknown.message, /unknown option `customer` of `scoreReply`; expected `summary`/)
    const typo = await failure(() => score('ok', { summarize: true }))
    assert.match(typo.message, /unknown option `summarize` of `score`; expected `customer` or `summary`/)
  })
})
