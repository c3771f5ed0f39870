// CPU time (process.cpuUsage: every thread of the process, user + system) of
// the Node binding against the native batch, for a shared machine where the
// wall clock of bench.mjs is noise. Run it on one core, alternating builds:
//
//   npm run build:test
//   RAYON_NUM_THREADS=1 taskset -c 0 node bench/cpu.mjs [ADDON.node] [--rounds 5] [--corpus FILE]
//
// ADDON.node: a copy of an earlier build to compare with (default: this
// package's). Prints per pass (median of the rounds after a warm-up round):
// the native score_batch, scoreMany, scoreManyAsync (ratios to native), the
// summary ratio, and one score() call on the 200-byte reply of bench.mjs.
// Texts as bench.mjs reads them (--corpus: the JSONL of scripts/bench-all.sh);
// they are flattened first, as JSON.parse leaves them. Use 5 rounds or more:
// the figures take turns going first.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'

import { DEFAULT_DATA, loadTexts } from './corpus.mjs'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '5' }, corpus: { type: 'string' }, data: { type: 'string', default: DEFAULT_DATA } },
})
const require = createRequire(import.meta.url)
const native = require(positionals[0] ?? '../index.js')
const texts = JSON.parse(
  JSON.stringify(
    opts.corpus
      ? readFileSync(opts.corpus, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l).text)
      : loadTexts(opts.data).texts,
  ),
)
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0)
const analyzer = new native.Analyzer()
const REPLY =
  'I’m so sorry about the double charge — I understand how frustrating that is. I’ve refunded it today ' +
  'and I’ll check tomorrow that it cleared. Does that work for you? Thanks for bearing with us!'
const seconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const K = 3 // passes per figure per round
const runs = {
  native: () => native._benchNative(texts, K),
  many: () => { for (let i = 0; i < K; i++) analyzer.scoreMany(texts) },
  async: async () => { for (let i = 0; i < K; i++) await analyzer.scoreManyAsync(texts) },
  nativeSummary: () => native._benchNative(texts, K, true),
  summary: () => { for (let i = 0; i < K; i++) analyzer.scoreMany(texts, { summary: true }) },
}
const samples = Object.fromEntries([...Object.keys(runs), 'score'].map((k) => [k, []]))
const order = Object.entries(runs)
for (let round = 0; round <= Number(opts.rounds); round++) {
  // The figures take turns going first: a V8 major GC of the reports lands
  // on the run that triggers it (a mark-compact at ~100 MB of heap after a
  // few scoreMany passes; several smaller ones, finished by a task while the
  // JS thread waits, around scoreManyAsync), so a fixed order charges one
  // figure with it every round.
  for (const [name, run] of order.slice(round % order.length).concat(order.slice(0, round % order.length))) {
    const started = seconds()
    await run()
    if (round > 0) samples[name].push((seconds() - started) / K)
  }
  const started = seconds()
  for (let i = 0; i < 5000; i++) analyzer.score(REPLY)
  if (round > 0) samples.score.push((seconds() - started) / 5000)
}
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
const ms = (s) => `${(s * 1e3).toFixed(1)} ms`
console.log(
  `${texts.length} texts, ${(bytes / 1e6).toFixed(2)} MB, CPU per pass: native ${ms(m.native)}, ` +
    `scoreMany ${ms(m.many)} (${(m.many / m.native).toFixed(2)}×, ${(bytes / 1e6 / m.many).toFixed(1)} MB/s), ` +
    `scoreManyAsync ${ms(m.async)} (${(m.async / m.native).toFixed(2)}×), summary ${(m.summary / m.nativeSummary).toFixed(2)}× native summary, ` +
    `score() ${(m.score * 1e6).toFixed(1)} µs`,
)
