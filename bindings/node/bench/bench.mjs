// Throughput and latency of the Node binding on real support text, compared
// with the native Rust batch on the same texts.
//
//   npm run build && node bench/bench.mjs [--seconds 2] [--reps 5] [--data DIR | --corpus FILE] [--json-out PATH]
//
// --seconds sets the budget per method (rounds run until 4× that has passed,
// and at least --reps rounds). --corpus reads the texts from the JSONL that
// bindings/python/bench/corpus.py writes (scripts/bench-all.sh: the same
// bytes for every timer) instead of parsing the CSVs here. `scoreMany` uses
// the native thread pool: scripts/bench-all.sh runs this under
// `taskset -c 0` with RAYON_NUM_THREADS=1 to time it on one core.
// `scoreMany (summary)` is `scoreMany(texts, { summary: true })` (ReplySummary
// reports: no matches, evidence or breakdown), compared with the native
// summary batch (`score_summary` per text) instead of the full one.
// Then: latency of one `score` call on the same 200-byte reply as the Rust
// and Python benchmarks (median, p99), the time to build an Analyzer (the
// first, which compiles the default pack, and one with an extra pack), and
// the peak RSS. --json-out PATH also writes the figures to a JSON file.
//
// Texts: every distinct `response_post` of ../shared/data/epitome/*.dev.csv
// plus the `text` column of ../shared/data/twcs/sample.csv.

import { readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'

import empathize, { Analyzer, score } from 'empathize'

// The native baseline needs a build with the `testing` feature (`npm run build:test`).
const { _benchNative } = empathize

import { DEFAULT_DATA, loadTexts } from './corpus.mjs'

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    reps: { type: 'string', default: '5' },
    corpus: { type: 'string' },
    data: { type: 'string', default: DEFAULT_DATA },
    'json-out': { type: 'string' },
  },
})
// The same 200-byte reply as the Rust and Python benchmarks.
const REPLY =
  'I’m so sorry about the double charge — I understand how frustrating that is. I’ve refunded it today ' +
  'and I’ll check tomorrow that it cleared. Does that work for you? Thanks for bearing with us!'
const minSeconds = Number(opts.seconds)

/** Seconds of one pass of `fn` over the corpus. */
async function timeOnce(fn) {
  const started = performance.now()
  await fn()
  return (performance.now() - started) / 1000
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

function readCorpus(file) {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
  return { texts: rows.map((r) => r.text), epitomeCount: rows.filter((r) => r.customer !== '').length }
}

const { texts, epitomeCount } = opts.corpus ? readCorpus(opts.corpus) : loadTexts(opts.data)
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0)
let started = performance.now()
const analyzer = new Analyzer() // the first one compiles the default pack
const firstBuildMs = performance.now() - started
started = performance.now()
new Analyzer({ extraRules: '' })
const rebuildMs = performance.now() - started
console.log(`corpus: ${texts.length} texts (${epitomeCount} EPITOME responses, ${texts.length - epitomeCount} TWCS tweets), ${(bytes / 1e6).toFixed(2)} MB`)

// The methods run in interleaved rounds (the machine may be shared: drift
// hits all of them alike); each figure is the median pass.
const NATIVE = 'native score_batch (Rust)'
const NATIVE_SUMMARY = 'native summary batch (Rust)'
const methods = {
  [NATIVE]: () => _benchNative(texts, 1), // seconds inside Rust only
  'score (loop)': () => timeOnce(() => { for (const t of texts) score(t) }),
  scoreMany: () => timeOnce(() => analyzer.scoreMany(texts)),
  scoreManyAsync: () => timeOnce(() => analyzer.scoreManyAsync(texts)),
  [NATIVE_SUMMARY]: () => _benchNative(texts, 1, true),
  'scoreMany (summary)': () => timeOnce(() => analyzer.scoreMany(texts, { summary: true })),
}
/** The native figure each row is compared with. */
const baselineOf = (name) => (name === NATIVE_SUMMARY || name.includes('(summary)') ? NATIVE_SUMMARY : NATIVE)
const samples = Object.fromEntries(Object.keys(methods).map((name) => [name, []]))
for (const run of Object.values(methods)) await run() // warm-up
const benchStarted = performance.now()
let rounds = 0
while (rounds < Number(opts.reps) || (performance.now() - benchStarted) / 1000 < minSeconds * 4) {
  for (const [name, run] of Object.entries(methods)) samples[name].push(await run())
  rounds++
}
const rows = Object.entries(samples).map(([name, xs]) => [name, median(xs)])
const medians = Object.fromEntries(rows)
const ratio = (name) => medians[name] / medians[baselineOf(name)]
console.log(`${rounds} rounds`)
console.log('')
console.log('method                        texts/s      MB/s   time/pass   vs native (summary rows: vs native summary)')
for (const [name, seconds] of rows) {
  console.log(
    `${name.padEnd(28)} ${(texts.length / seconds).toFixed(0).padStart(9)} ${(bytes / 1e6 / seconds).toFixed(2).padStart(9)} ${(seconds * 1000).toFixed(1).padStart(9)} ms ${ratio(name).toFixed(2).padStart(9)}×`,
  )
}

// Latency of one call on the 200-byte reply.
const reply = REPLY
for (let i = 0; i < 2000; i++) analyzer.score(reply)
const latencies = new Float64Array(20_000)
for (let i = 0; i < latencies.length; i++) {
  const t = process.hrtime.bigint()
  analyzer.score(reply)
  latencies[i] = Number(process.hrtime.bigint() - t) / 1000
}
latencies.sort()
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
console.log('')
console.log(`score() on a ${Buffer.byteLength(reply)}-byte reply: median ${at(0.5).toFixed(1)} µs, p99 ${at(0.99).toFixed(1)} µs (${latencies.length} calls)`)
const nativeOne = median(Array.from({ length: 5 }, () => _benchNative([reply], 2000) / 2000))
console.log(`native score_batch([reply]) for comparison: ${(nativeOne * 1e6).toFixed(1)} µs per call`)
console.log(`Analyzer: first ${firstBuildMs.toFixed(1)} ms, with an extra pack ${rebuildMs.toFixed(1)} ms`)
const peakRssMb = process.resourceUsage().maxRSS / 1024
console.log(`peak RSS ${peakRssMb.toFixed(1)} MB`)
if (opts['json-out']) {
  const figures = {
    texts: texts.length,
    bytes,
    megabytes: bytes / 1e6,
    rounds,
    available_parallelism: availableParallelism(),
    rayon_num_threads: process.env.RAYON_NUM_THREADS ?? null,
    node: process.versions.node,
    rows: Object.fromEntries(
      rows.map(([name, seconds]) => [name, { mb_s: bytes / 1e6 / seconds, ratio: ratio(name), baseline: baselineOf(name) }]),
    ),
    latency_median_us: at(0.5),
    latency_p99_us: at(0.99),
    reply_bytes: Buffer.byteLength(reply),
    first_build_ms: firstBuildMs,
    rebuild_ms: rebuildMs,
    peak_rss_mb: peakRssMb,
  }
  writeFileSync(opts['json-out'], JSON.stringify(figures, null, 1))
}
