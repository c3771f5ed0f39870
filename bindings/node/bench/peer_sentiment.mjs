// The Node peer of scripts/bench-all.sh: npm `sentiment` (AFINN word list),
// `new Sentiment().analyze(text)` in a loop over the benchmark corpus (the
// JSONL written by bindings/python/bench/corpus.py), timed like empathize's
// loops in bench.mjs: one warm-up pass, then passes until --seconds have
// passed and at least --reps were run; the figure is the median pass.
//
//   node bench/peer_sentiment.mjs --prefix DIR --corpus FILE [--seconds 2] [--reps 5] [--json-out PATH]
//
// --prefix is the npm prefix the package was installed into (bench-all's
// bench environment: `npm install --prefix DIR sentiment@X`), so that the
// peer never enters this package's own node_modules.

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values: opts } = parseArgs({
  options: {
    prefix: { type: 'string' },
    corpus: { type: 'string' },
    seconds: { type: 'string', default: '2' },
    reps: { type: 'string', default: '5' },
    'json-out': { type: 'string' },
  },
})
if (!opts.prefix || !opts.corpus) {
  console.error('usage: node bench/peer_sentiment.mjs --prefix DIR --corpus FILE [--seconds S] [--reps N] [--json-out PATH]')
  process.exit(2)
}

const texts = readFileSync(opts.corpus, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line).text)
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0)

const require = createRequire(join(opts.prefix, 'package.json'))
let started = performance.now()
const Sentiment = require('sentiment')
const sentiment = new Sentiment()
const buildMs = performance.now() - started
const { version } = require('sentiment/package.json')

function onePass() {
  const t0 = performance.now()
  for (const t of texts) sentiment.analyze(t)
  return (performance.now() - t0) / 1000
}

onePass() // warm-up (JIT)
const passes = []
const minSeconds = Number(opts.seconds)
const minReps = Number(opts.reps)
while (passes.reduce((a, b) => a + b, 0) < minSeconds || passes.length < minReps) passes.push(onePass())
const sorted = [...passes].sort((a, b) => a - b)
const seconds = sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
const mbS = bytes / 1e6 / seconds
const peakRssMb = process.resourceUsage().maxRSS / 1024
console.log(
  `sentiment ${version} (Node ${process.versions.node}): ${texts.length} texts, ${(bytes / 1e6).toFixed(2)} MB; ` +
    `analyze loop ${mbS.toFixed(2)} MB/s (median of ${passes.length} passes, ` +
    `${(sorted[0] * 1e3).toFixed(0)}-${(sorted.at(-1) * 1e3).toFixed(0)} ms); ` +
    `require + build ${buildMs.toFixed(0)} ms; peak RSS ${peakRssMb.toFixed(1)} MB`,
)
if (opts['json-out']) {
  const figures = {
    peer: 'sentiment',
    version,
    runtime: `Node ${process.versions.node}`,
    texts: texts.length,
    bytes,
    mb_s: mbS,
    passes: passes.length,
    pass_ms: passes.map((p) => Math.round(p * 1e4) / 10),
    build_ms: buildMs,
    peak_rss_mb: peakRssMb,
  }
  writeFileSync(opts['json-out'], JSON.stringify(figures, null, 1))
}
