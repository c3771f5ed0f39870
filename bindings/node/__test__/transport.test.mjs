// The report transfer (src/tape.rs + src/decode.js) gives exactly the
// objects that `JSON.parse` made of the core's serde JSON with camelCase
// fields (the transfer before it, kept in test builds as `_referenceJson`):
// same keys in the same order, same values (bit for bit, -0 included), plain
// objects and arrays with the usual prototypes, independent of each other.
// On the real corpus when it is there (../shared/data, read at run time),
// and always on texts made to stress strings and numbers. Needs a build
// with the `testing` feature (`npm run build:test`).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import empathize, { Analyzer, analyzeConversation, analyzeCustomer, score, scoreMany, scoreManyAsync, tokenize } from 'empathize'

import { DEFAULT_DATA, loadPairs, loadTexts } from '../bench/corpus.mjs'

const { _referenceJson, _scoreManyInSegments } = empathize
const haveCorpus = existsSync(join(DEFAULT_DATA, 'epitome')) && existsSync(join(DEFAULT_DATA, 'twcs', 'sample.csv'))

const STRESS = [
  'I’m so sorry about the double charge — I understand how frustrating that is. I’ve refunded it.',
  'I understand "completely" \\ I\'m sorry \u0001\u001f tab\there, 😀😭 I get it. Good luck!',
  '我很抱歉 I’m so sorry — مرحبا, I’ll check back tomorrow. Does that work for you?',
  'Per our policy, refunds take 10 business days. Calm down. As I said, that’s not our department.',
  'Hi Maria, thanks for reaching out! Happy to help with that. Have a lovely day!',
  'Can you tell me a bit more about what happened? What would work best for you?',
  'Nope.',
  '',
  'I understand\u2028line\u2029separators and a lone \ud800 surrogate. I’m sorry.',
]
const STRESS_CUSTOMERS = STRESS.map((_, i) => (i % 2 ? 'I’m FURIOUS, you charged me twice!!' : 'Where is my parcel?'))

const reference = (method, ...args) => JSON.parse(_referenceJson(method, ...args))

/** Same value and, for objects, the same key order at every level. */
function assertSame(actual, expected, what) {
  assert.deepStrictEqual(actual, expected, what)
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${what}: JSON text`)
  const keyOrder = (v) => (v && typeof v === 'object' ? [Object.keys(v), ...Object.values(v).map(keyOrder)] : null)
  assert.deepStrictEqual(keyOrder(actual), keyOrder(expected), `${what}: key order`)
}

describe('the transfer gives what JSON.parse of the core JSON gave', () => {
  test('score, with and without a customer', () => {
    for (const [i, text] of STRESS.entries()) {
      assertSame(score(text), reference('score', text), `score #${i}`)
      assertSame(score(text, { customer: STRESS_CUSTOMERS[i] }), reference('score', text, STRESS_CUSTOMERS[i]), `reply #${i}`)
    }
  })

  test('a single value with thousands of raw strings (astral, non-ASCII, empty) cut at UTF-16 lengths', () => {
    // A single value crosses with its strings raw and their lengths before the ops.
    const words = Array.from({ length: 3000 }, (_, i) => ['w' + i, '😀' + i, 'é' + i, '𝄞𝄞' + i][i % 4])
    const text = words.join(' ') + ' I’m so sorry.'
    assertSame(tokenize(text), reference('tokenize', text), 'tokenize of 3000 distinct words')
    assertSame(score(text), reference('score', text), 'score of 3000 distinct words')
    assertSame(tokenize(''), reference('tokenize', ''), 'tokenize of nothing')
  })

  test('scoreMany and scoreManyAsync, with and without customers', async () => {
    const texts = Array.from({ length: 700 }, (_, i) => `${STRESS[i % STRESS.length]} (#${i})`)
    const customers = texts.map((_, i) => STRESS_CUSTOMERS[i % STRESS_CUSTOMERS.length])
    const expected = reference('scoreMany', texts)
    assertSame(scoreMany(texts), expected, 'scoreMany')
    assertSame(await scoreManyAsync(texts), expected, 'scoreManyAsync')
    const replies = reference('scoreMany', texts, customers)
    assertSame(scoreMany(texts, { customers }), replies, 'scoreMany with customers')
    assertSame(await scoreManyAsync(texts, { customers }), replies, 'scoreManyAsync with customers')
    assertSame(scoreMany([]), [], 'an empty batch')
  })

  test('analyzeCustomer, analyzeConversation, tokenize, rules', () => {
    for (const text of STRESS) {
      assertSame(analyzeCustomer(text), reference('analyzeCustomer', text), 'analyzeCustomer')
      assertSame(tokenize(text), reference('tokenize', text), 'tokenize')
    }
    const turns = STRESS.map((text, i) => ({ role: i % 2 ? 'agent' : 'customer', text, agentId: i % 4 === 1 ? 'a_1' : undefined }))
    assertSame(analyzeConversation(turns), reference('analyzeConversation', turns), 'analyzeConversation')
    assertSame(new Analyzer().rules(), reference('rules'), 'rules')
  })

  test('a batch cut into many segments (each with its own strings)', () => {
    const texts = Array.from({ length: 300 }, (_, i) => `${STRESS[i % STRESS.length]} #${i}`)
    const expected = reference('scoreMany', texts)
    // Segments of a few reports each (both limits small).
    for (const limit of [200, 1000]) {
      const [segments, reports] = _scoreManyInSegments(texts, limit)
      assert.ok(segments > 10, `${segments} segments`)
      assertSame(reports, expected, `segmented scoreMany (${limit})`)
    }
  })

  test('the ops array reused from call to call: longer, shorter and over-the-limit transfers', async () => {
    // The first segment's ops are copied into an array kept by the decoder
    // (transport.rs `Decoder::ops`), grown when too short; what a longer
    // earlier call left after the end must not be read.
    const long = STRESS.join(' ').repeat(40)
    const texts = Array.from({ length: 400 }, (_, i) => `${STRESS[i % STRESS.length]} #${i}`)
    const expectedMany = reference('scoreMany', texts)
    for (let round = 0; round < 2; round++) {
      assertSame(score(long), reference('score', long), 'score(long)')
      assertSame(score('Nope.'), reference('score', 'Nope.'), 'score(short) after a long one')
      assertSame(scoreMany(texts), expectedMany, 'scoreMany')
      assertSame(tokenize('a b'), reference('tokenize', 'a b'), 'tokenize after a batch')
      assertSame(await scoreManyAsync(texts.slice(0, 3)), expectedMany.slice(0, 3), 'scoreManyAsync(3) after a batch')
      assertSame(scoreMany([]), [], 'an empty batch')
    }
    // A report of more ops than the reused array holds (2^20): an array of its own.
    const huge = STRESS.join(' ').repeat(6000)
    assert.ok(empathize._benchStage(new Analyzer(), huge, 1) > 2 ** 20, 'the report is over the limit')
    assertSame(score(huge), reference('score', huge), 'score(huge)')
    assertSame(score(STRESS[2]), reference('score', STRESS[2]), 'score after it')
  })

  test('a decode nested in another (user code run by the decoder) gets an ops array of its own', () => {
    // The decoder runs no user code, except through setters on
    // Array.prototype: an index setter there runs while an array of a
    // report is filled. Here it stores the element as an own property (so
    // the outer reports stay whole) and scores another batch meanwhile.
    const script = `
      const e = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
      const stress = ${JSON.stringify(STRESS)}
      const texts = Array.from({ length: 50 }, (_, i) => stress[i % stress.length] + ' #' + i)
      const others = texts.slice(0, 20).reverse()
      const nested = []
      let inside = false
      Object.defineProperty(Array.prototype, '0', {
        configurable: true,
        set(value) {
          Object.defineProperty(this, '0', { value, writable: true, enumerable: true, configurable: true })
          if (inside || nested.length > 2) return
          inside = true
          const k = nested.length / 2
          nested.push(e.scoreMany(others), e.score(others[k]))
          inside = false
        },
      })
      const outer = e.scoreMany(texts)
      const single = e.score(texts[0])
      delete Array.prototype[0]
      const same = (value, method, arg) => JSON.stringify(value) === JSON.stringify(JSON.parse(e._referenceJson(method, arg)))
      console.log(JSON.stringify({
        nested: nested.length,
        outer: same(outer, 'scoreMany', texts),
        single: same(single, 'score', texts[0]),
        inner: nested.every((value, i) => (i % 2 ? same(value, 'score', others[(i - 1) / 2]) : same(value, 'scoreMany', others))),
      }))`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    assert.deepStrictEqual(JSON.parse(child.stdout), { nested: 4, outer: true, single: true, inner: true })
  })

  test('the reports of a batch die young: scoreManyAsync on the corpus needs scavenges, not mark-compacts', { skip: !haveCorpus && `no corpus at ${DEFAULT_DATA}` }, () => {
    // Built by object literals, V8 tracked the reports by allocation site
    // and, after a scavenge in the middle of a batch found them all alive,
    // made every later report in the old generation: on the event loop that
    // was a mark-compact every 5 batches and no scavenges (8 and 0 here).
    const script = `
      const { PerformanceObserver, constants } = require('node:perf_hooks')
      const e = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
      import(${JSON.stringify(new URL('../bench/corpus.mjs', import.meta.url).href)}).then(async ({ loadTexts }) => {
        const texts = loadTexts().texts
        const analyzer = new e.Analyzer()
        let major = 0, minor = 0, counting = false
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (!counting) continue
            if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++
            else if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++
          }
        }).observe({ entryTypes: ['gc'] })
        for (let i = 0; i < 10; i++) await analyzer.scoreManyAsync(texts)
        counting = true
        for (let i = 0; i < 40; i++) await analyzer.scoreManyAsync(texts)
        await new Promise((resolve) => setTimeout(resolve, 10))
        console.log(JSON.stringify({ major, minor }))
      })`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, RAYON_NUM_THREADS: '1' } })
    assert.equal(child.status, 0, child.stderr)
    const { major, minor } = JSON.parse(child.stdout)
    assert.ok(major <= 2 && minor >= 5, `${major} mark-compacts, ${minor} scavenges in 40 batches`)
  })

  test('the real corpus: every report of scoreMany, scoreManyAsync and score', { skip: !haveCorpus && `no corpus at ${DEFAULT_DATA}` }, async () => {
    const { texts } = loadTexts()
    const expected = reference('scoreMany', texts)
    assertSame(scoreMany(texts), expected, 'scoreMany')
    assertSame(await scoreManyAsync(texts), expected, 'scoreManyAsync')
    texts.forEach((text, i) => {
      if (i % 7 === 0) assertSame(score(text), expected[i], `score(texts[${i}])`)
    })
    const pairs = loadPairs()
    const customers = pairs.map(([c]) => c)
    const replies = pairs.map(([, r]) => r)
    assertSame(scoreMany(replies, { customers }), reference('scoreMany', replies, customers), 'scoreMany with customers')
    customers.slice(0, 200).forEach((c) => assertSame(analyzeCustomer(c), reference('analyzeCustomer', c), 'analyzeCustomer'))
  })

  test('the transfer arrays are collected by the GC, the reports stay whole', () => {
    // The ops (numbers inline) reach JS as a typed array per segment; the reports
    // hold only values read from them, never the arrays.
    const script = `
      const e = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
      const stress = ${JSON.stringify(STRESS)}
      const texts = Array.from({ length: 200 }, (_, i) => stress[i % stress.length] + ' #' + i)
      const expected = JSON.stringify(JSON.parse(e._referenceJson('scoreMany', texts)))
      const kept = []
      for (let round = 0; round < 5; round++) {
        kept.push(e._scoreManyInSegments(texts, 300)[1], e.scoreMany(texts), e.score(texts[round]))
        // Segments with no numbers (tokens are integers), and an empty batch.
        kept.push(e.tokenize(''), e.tokenize('a b c'), e.scoreMany([]))
        globalThis.gc()
        globalThis.gc()
      }
      for (let i = 0; i < 50; i++) new Float64Array(1 << 16).fill(i)
      globalThis.gc()
      const whole = kept.every((value, i) => {
        const slot = i % 6
        if (slot < 2) return JSON.stringify(value) === expected
        if (slot === 2) return JSON.stringify(value) === JSON.stringify(JSON.parse(e._referenceJson('score', texts[(i - 2) / 6])))
        if (slot === 3) return JSON.stringify(value) === '[]'
        if (slot === 4) return JSON.stringify(value) === JSON.stringify(JSON.parse(e._referenceJson('tokenize', 'a b c')))
        return Array.isArray(value) && value.length === 0
      })
      console.log(JSON.stringify({ whole, count: kept.length }))`
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    assert.deepStrictEqual(JSON.parse(child.stdout), { whole: true, count: 30 })
  })

  test('without code generation from strings (the fallback object builder)', () => {
    const script = `
      const e = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
      const texts = ${JSON.stringify(STRESS)}
      let evalBlocked = false
      try { new Function('return 1') } catch { evalBlocked = true }
      const same = JSON.stringify(e.scoreMany(texts)) === JSON.stringify(JSON.parse(e._referenceJson('scoreMany', texts)))
      const one = JSON.stringify(e.score(texts[1])) === JSON.stringify(JSON.parse(e._referenceJson('score', texts[1])))
      console.log(JSON.stringify({ evalBlocked, same, one }))`
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    assert.deepStrictEqual(JSON.parse(child.stdout), { evalBlocked: true, same: true, one: true })
  })
})

describe('reports are plain objects', () => {
  test('prototypes, arrays, own enumerable data properties', () => {
    const report = score(STRESS[1])
    assert.equal(Object.getPrototypeOf(report), Object.prototype)
    assert.equal(Object.getPrototypeOf(report.dimensions), Object.prototype)
    for (const key of ['flags', 'evidence', 'strategies', 'matches', 'breakdown', 'tips']) {
      assert.ok(Array.isArray(report[key]), key)
      assert.equal(Object.getPrototypeOf(report[key]), Array.prototype)
    }
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(report))) {
      assert.deepStrictEqual(Object.keys(descriptor).sort(), ['configurable', 'enumerable', 'value', 'writable'], key)
      assert.ok(descriptor.enumerable && descriptor.writable && descriptor.configurable, key)
    }
    assert.deepStrictEqual({ ...report }, JSON.parse(JSON.stringify(report)))
    assert.ok(report.matches.length > 0 && report.strategies.length > 0, 'the stress text has matches')
  })

  test('fields are defined, not assigned: setters on Object.prototype are not called (as with JSON.parse)', () => {
    const script = `
      const e = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
      const texts = ${JSON.stringify(STRESS)}
      // The builders of every shape exist already when the setters appear.
      e.scoreMany(texts)
      let calls = 0
      for (const key of ['score', 'text', 'apology', 'rule', 'message', 'emotionalReactions']) {
        Object.defineProperty(Object.prototype, key, { configurable: true, get() { return 'inherited' }, set() { calls++ } })
      }
      const many = e.scoreMany(texts)
      const one = e.score(texts[0])
      const same = (value, method, arg) => JSON.stringify(value) === JSON.stringify(JSON.parse(e._referenceJson(method, arg)))
      console.log(JSON.stringify({
        calls,
        many: same(many, 'scoreMany', texts),
        one: same(one, 'score', texts[0]),
        own: Object.hasOwn(one, 'score') && Object.hasOwn(one.matches[0], 'text') && Object.hasOwn(one.dimensions, 'apology'),
      }))`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    assert.deepStrictEqual(JSON.parse(child.stdout), { calls: 0, many: true, one: true, own: true })
  })

  test('mutations stay in the object they were made on', () => {
    const [a, b] = scoreMany([STRESS[0], STRESS[0]])
    const pristine = JSON.stringify(b)
    a.score = -1
    a.dimensions.apology = 'changed'
    a.matches[0].text = 'changed'
    a.matches.push({ extra: true })
    a.strategies.length = 0
    delete a.tips
    a.added = 1
    assert.equal(JSON.stringify(b), pristine, 'a sibling report is untouched')
    assert.deepStrictEqual(Object.keys(a).slice(-1), ['added'])
    assert.equal(a.tips, undefined)
    const again = score(STRESS[0])
    assert.equal(JSON.stringify(again), pristine, 'a later report is untouched')
    assert.notEqual(again.dimensions, b.dimensions)
  })

  test('numbers keep their value bit for bit (-0, long fractions)', () => {
    const expected = reference('scoreMany', STRESS)
    const actual = scoreMany(STRESS)
    const numbers = (v, out = []) => {
      if (typeof v === 'number') out.push(v)
      else if (v && typeof v === 'object') for (const x of Object.values(v)) numbers(x, out)
      return out
    }
    const [got, want] = [numbers(actual), numbers(expected)]
    assert.equal(got.length, want.length)
    got.forEach((x, i) => assert.ok(Object.is(x, want[i]), `number ${i}: ${x} vs ${want[i]}`))
  })
})
