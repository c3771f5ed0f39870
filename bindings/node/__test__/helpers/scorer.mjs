// Runs in a worker_threads Worker (see ../workers.test.mjs): loads the addon
// in this thread's own context, waits at a barrier so that every worker
// scores at the same time, and posts back its reports as JSON.

import { parentPort, workerData } from 'node:worker_threads'

import { Analyzer, analyzeConversation, score } from 'empathize'

const { texts, barrier, conversation } = workerData
const analyzer = new Analyzer()
parentPort.postMessage({ loaded: true })
if (barrier) {
  // Every worker (and the main thread) starts scoring at the same moment.
  const flag = new Int32Array(barrier)
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000)
}
const result = {
  score: JSON.stringify(texts.map((t) => score(t))),
  scoreMany: JSON.stringify(analyzer.scoreMany(texts)),
  scoreManyAsync: JSON.stringify(await analyzer.scoreManyAsync(texts)),
  conversation: JSON.stringify(analyzeConversation(conversation)),
}
parentPort.postMessage(result)
