// A Rust panic never unwinds into Node: wherever it happens — on the JS
// thread, on a worker of the pool `scoreMany` uses, inside the off-thread
// work of `scoreManyAsync` — it surfaces as an `Error` with code `INTERNAL`,
// and the addon keeps working afterwards. The failures are injected through
// the private helpers `_testPanic` and `_testPanicAsync` (not API).

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import empathize, { Analyzer, score } from 'empathize'

// Test hooks exist only in builds with the `testing` feature (`npm run build:test`).
const { _testPanic, _testPanicAsync } = empathize

const TEXTS = [
  'I’m so sorry about the double charge — I understand how frustrating that is.',
  'Per our policy, refunds take 10 business days.',
  'Nope.',
  '😭 我很抱歉 I’m so sorry',
  '',
]

/** An `assert.throws`/`rejects` validator: an INTERNAL error whose message matches. */
const internal = (pattern) => (err) => {
  assert.ok(err instanceof Error, `an Error, got ${err}`)
  assert.ok(!(err instanceof TypeError), 'not a TypeError')
  assert.equal(err.code, 'INTERNAL', err.message)
  assert.match(err.message, /^internal error in empathize \(please report it\): /)
  assert.match(err.message, pattern)
  return true
}

describe('a Rust panic surfaces as an Error with code INTERNAL', () => {
  test('on the JS thread', () => {
    assert.throws(() => _testPanic(), internal(/: test panic$/))
    assert.throws(() => _testPanic(false), internal(/: test panic$/))
  })

  test('on a worker of the batch pool', () => {
    // The message carries rayon's worker index: the panic did happen there.
    assert.throws(() => _testPanic(true), internal(/test panic on pool worker Some\(\d+\)/))
  })

  test('inside scoreManyAsync: the Promise rejects', async () => {
    const promise = _testPanicAsync(TEXTS)
    assert.ok(promise instanceof Promise)
    await assert.rejects(promise, internal(/: test panic$/))
    await assert.rejects(_testPanicAsync(TEXTS, true), internal(/test panic on pool worker Some\(\d+\)/))
  })

  test('the addon keeps working after many panics, sync and async', async () => {
    const analyzer = new Analyzer()
    const expected = TEXTS.map((t) => score(t))
    for (let i = 0; i < 50; i++) assert.throws(() => _testPanic(i % 2 === 0), { code: 'INTERNAL' })
    const settled = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => _testPanicAsync(TEXTS, i % 2 === 0)))
    assert.deepEqual(new Set(settled.map((s) => `${s.status} ${s.reason?.code}`)), new Set(['rejected INTERNAL']))
    assert.deepEqual(TEXTS.map((t) => score(t)), expected)
    assert.deepEqual(analyzer.scoreMany(TEXTS), expected)
    assert.deepEqual(await analyzer.scoreManyAsync(TEXTS), expected)
    // A big batch still spreads over the (surviving) pool workers.
    const many = Array.from({ length: 5000 }, (_, i) => TEXTS[i % TEXTS.length])
    assert.deepEqual(analyzer.scoreMany(many).map((r) => r.score), many.map((t) => score(t).score))
  })

  test('a process that hits a panic exits normally', () => {
    // Outside the test runner: nothing catches the error but our own code,
    // and the exit code shows the process was not aborted.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import empathize, { score } from 'empathize'
        const { _testPanic, _testPanicAsync } = empathize
         const codes = []
         for (const inPool of [false, true]) {
           try { _testPanic(inPool) } catch (err) { codes.push(err.code) }
           await _testPanicAsync(['sorry'], inPool).catch((err) => codes.push(err.code))
         }
         console.log(JSON.stringify({ codes, score: score('I am so sorry').score }))`,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    )
    const result = JSON.parse(out)
    assert.deepEqual(result.codes, ['INTERNAL', 'INTERNAL', 'INTERNAL', 'INTERNAL'])
    assert.ok(result.score > 50)
  })
})
