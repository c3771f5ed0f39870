// Runs in a Worker that the parent terminates while work is in flight (see
// terminate-host.mjs): `mode` says what is running when the end comes.

import { parentPort, workerData } from 'node:worker_threads'

import { Analyzer } from 'empathize'

const { mode, count } = workerData
const texts = Array.from({ length: count }, (_, i) => `I’m so sorry about order #${i} 😭 — per our policy we can’t, but I can refund it. Does that work?`)
const analyzer = new Analyzer()
parentPort.postMessage('started')
// Both modes run until the worker is terminated.
if (mode === 'async') {
  // Several batches in flight on libuv's pool when the worker is stopped.
  for (;;) await Promise.all([analyzer.scoreManyAsync(texts), analyzer.scoreManyAsync(texts), analyzer.scoreManyAsync(texts.slice(0, 10))])
} else {
  // A synchronous batch: the thread is likely inside native code when stopped.
  for (;;) analyzer.scoreMany(texts)
}
