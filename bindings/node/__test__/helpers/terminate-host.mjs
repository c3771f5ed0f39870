// Starts workers that score and terminates them mid-flight, at several
// moments, then checks the addon still works in this thread. Run as its own
// process by ../workers.test.mjs, which checks the exit status and stderr.

import { Worker } from 'node:worker_threads'

import { Analyzer, score } from 'empathize'

const busy = new URL('./busy.mjs', import.meta.url)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const outcomes = []
for (const mode of ['async', 'sync']) {
  for (const delay of [null, 0, 1, 5, 20, 100]) {
    const worker = new Worker(busy, { workerData: { mode, count: 50_000 } })
    worker.on('error', (err) => outcomes.push(`error ${err.code ?? err.message}`))
    // null: terminate before the worker has even loaded the addon.
    if (delay !== null) {
      await new Promise((resolve) => worker.once('message', resolve))
      await sleep(delay)
    }
    const exitCode = await worker.terminate()
    outcomes.push(`${mode} ${delay}: exit ${exitCode}`)
  }
}
const texts = Array.from({ length: 2000 }, (_, i) => `I’m so sorry about order #${i}`)
const reports = await new Analyzer().scoreManyAsync(texts)
const same = reports.every((r, i) => r.score === score(texts[i]).score)
console.log(JSON.stringify({ outcomes, same }))
