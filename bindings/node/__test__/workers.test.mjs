// The addon in worker_threads: it loads in several Workers at once (it is
// context-aware: each thread's context gets its own instance of the module
// while the compiled default pack and the batch pool are shared by the
// process), scores concurrently with the main thread with identical results,
// survives a Worker terminated with batches in flight, and an Analyzer does
// not travel between threads (each thread builds its own).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { Analyzer, analyzeConversation, score } from 'empathize'

const scorer = new URL('./helpers/scorer.mjs', import.meta.url)

const BASE = [
  'I’m so sorry about the double charge — I understand how frustrating that is. I’ve refunded it.',
  'Per our policy, refunds take 10 business days.',
  'Nope.',
  'Hi Maria, thanks for reaching out! Happy to help with that. Have a lovely day!',
  'Can you tell me a bit more about what happened? What would work best for you?',
  'Calm down. As I said, that’s not our department.',
  '😭 我很抱歉 I’m so sorry — مرحبا, I’ll check back tomorrow.',
  '',
]
const TEXTS = Array.from({ length: 1200 }, (_, i) => `${BASE[i % BASE.length]} (#${i})`)
const CONVERSATION = [
  { role: 'customer', text: 'My order is late AGAIN and I’m furious 😡' },
  { role: 'agent', text: 'Please send your order number.', agentId: 'devon' },
  { role: 'customer', text: 'I’m in tears, this was a gift!' },
  { role: 'agent', text: 'I’m so sorry, I understand how upsetting this is. I’ll fix it today.', agentId: 'maria' },
]

/** Resolves with the next message of `worker`, rejects on its error or early exit. */
function nextMessage(worker) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`worker exited with ${code} before answering`))
    worker.once('message', (m) => {
      worker.off('exit', onExit)
      resolve(m)
    })
    worker.once('error', reject)
    worker.once('exit', onExit)
  })
}

describe('worker_threads', () => {
  test('four Workers and the main thread score at the same time, with identical results', async () => {
    const analyzer = new Analyzer()
    const expected = {
      score: JSON.stringify(TEXTS.map((t) => score(t))),
      scoreMany: JSON.stringify(analyzer.scoreMany(TEXTS)),
      scoreManyAsync: JSON.stringify(await analyzer.scoreManyAsync(TEXTS)),
      conversation: JSON.stringify(analyzeConversation(CONVERSATION)),
    }
    // Single calls and batches agree before any worker exists.
    assert.equal(expected.scoreMany, expected.score)
    assert.equal(expected.scoreManyAsync, expected.score)

    const barrier = new SharedArrayBuffer(4)
    // All four load the addon concurrently.
    const workers = Array.from({ length: 4 }, () => new Worker(scorer, { workerData: { texts: TEXTS, barrier, conversation: CONVERSATION } }))
    try {
      const loaded = await Promise.all(workers.map(nextMessage))
      assert.ok(loaded.every((m) => m.loaded))
      const results = workers.map(nextMessage)
      Atomics.store(new Int32Array(barrier), 0, 1)
      Atomics.notify(new Int32Array(barrier), 0)
      // The main thread scores meanwhile, sync and async.
      const mainMany = JSON.stringify(analyzer.scoreMany(TEXTS))
      const mainAsync = analyzer.scoreManyAsync(TEXTS)
      const fromWorkers = await Promise.all(results)
      assert.equal(mainMany, expected.scoreMany)
      assert.equal(JSON.stringify(await mainAsync), expected.scoreManyAsync)
      fromWorkers.forEach((result, i) => assert.deepEqual(result, expected, `worker ${i}`))
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
    }
    // Workers are gone (their module instances torn down); the main thread's
    // instance is untouched.
    assert.equal(JSON.stringify(analyzer.scoreMany(TEXTS)), expected.scoreMany)
    assert.equal(JSON.stringify(TEXTS.map((t) => score(t))), expected.score)
  })

  test('the addon loads again in a new Worker after others exited', async () => {
    for (let round = 0; round < 3; round++) {
      const worker = new Worker(scorer, { workerData: { texts: TEXTS.slice(0, 20), barrier: null, conversation: CONVERSATION } })
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      assert.deepEqual(await nextMessage(worker), { loaded: true })
      const result = await nextMessage(worker)
      assert.equal(result.scoreMany, JSON.stringify(TEXTS.slice(0, 20).map((t) => score(t))))
      assert.equal(await exited, 0, 'the worker ran to its end and exited cleanly')
    }
  })

  test('an Analyzer does not cross threads: a clone is a plain object without methods', async () => {
    // The native object lives in the context that built it. The structured
    // clone algorithm (postMessage, structuredClone) copies only own
    // enumerable properties — an Analyzer has none — so the receiving
    // thread gets `{}`, not an analyzer. Build one Analyzer per thread.
    const analyzer = new Analyzer({ extraRules: '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.8\npatterns = ["aloha"]\n' })
    const copy = structuredClone(analyzer)
    assert.deepEqual(copy, {})
    assert.equal(Object.getPrototypeOf(copy), Object.prototype)
    assert.equal(typeof copy.score, 'undefined')

    const echo = new Worker(
      `const { parentPort } = require('node:worker_threads')
       parentPort.once('message', (value) => {
         parentPort.postMessage({ type: typeof value, keys: Object.keys(value), score: typeof value.score })
       })`,
      { eval: true },
    )
    try {
      echo.postMessage(analyzer)
      assert.deepEqual(await nextMessage(echo), { type: 'object', keys: [], score: 'undefined' })
    } finally {
      await echo.terminate()
    }
    // It cannot be put in a transfer list either (Node 20 throws a
    // TypeError, later versions a DataCloneError).
    const notTransferable = (err) => ['TypeError', 'DataCloneError'].includes(err.name)
    assert.throws(() => structuredClone(analyzer, { transfer: [analyzer] }), notTransferable)
    const port = new MessageChannel().port1
    try {
      assert.throws(() => port.postMessage(analyzer, [analyzer]), notTransferable)
    } finally {
      port.close()
    }
    // The original is unharmed.
    assert.ok(analyzer.score('Aloha!').dimensions.warmth > 0)
  })

  test('terminating Workers while batches are in flight does not crash the process', () => {
    const host = fileURLToPath(new URL('./helpers/terminate-host.mjs', import.meta.url))
    const run = spawnSync(process.execPath, [host], { encoding: 'utf8', timeout: 120_000 })
    assert.equal(run.signal, null, `killed by ${run.signal}\n${run.stderr}`)
    assert.equal(run.status, 0, run.stderr)
    assert.doesNotMatch(run.stderr, /panicked|FATAL|Abort|Segmentation/i)
    const { outcomes, same } = JSON.parse(run.stdout)
    assert.equal(same, true, 'the main thread still scores correctly')
    // Workers scoring in a loop end only by termination (exit code 1);
    // those stopped before they started have little to stop (0 or 1).
    const expected = ['async', 'sync'].flatMap((mode) => [
      new RegExp(`^${mode} null: exit [01]$`),
      ...[0, 1, 5, 20, 100].map((delay) => new RegExp(`^${mode} ${delay}: exit 1$`)),
    ])
    assert.equal(outcomes.length, expected.length, outcomes.join('\n'))
    outcomes.forEach((outcome, i) => assert.match(outcome, expected[i]))
  })
})
