// CPU time of the JS report decoder alone (src/decode.js): the addon encodes
// the corpus batch once (`_decodeArgs`, a `testing` build), then each
// decoder source given decodes it again and again, taking turns, in this
// process. For comparing versions of decode.js without the noise of the
// scoring around it:
//
//   npm run build:test
//   git show HEAD~1:bindings/node/src/decode.js > /tmp/old-decode.js
//   taskset -c 0 node bench/decode.mjs /tmp/old-decode.js src/decode.js [--summary] [--rounds 30]
//
// Prints per decoder: the median and lowest CPU time per decode of the
// batch, and the reports checked against the first decoder's (JSON text).

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { runInThisContext } from 'node:vm'
import { parseArgs } from 'node:util'

import { DEFAULT_DATA, loadTexts } from './corpus.mjs'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '30' }, summary: { type: 'boolean', default: false } },
})
const require = createRequire(import.meta.url)
const native = require('../index.js')
const texts = JSON.parse(JSON.stringify(loadTexts(DEFAULT_DATA).texts))
const args = native._decodeArgs(new native.Analyzer(), texts, opts.summary)
const [tables, single, ops, length, strings, count, more] = args
const decoders = positionals.map((path) => {
  const decode = runInThisContext(readFileSync(path, 'utf8'), { filename: path })
  // Decoders before the reused ops array took no `length`.
  const call = decode.length === 6 ? (t) => decode(t, single, ops, strings, count, more ?? null) : (t) => decode(t, single, ops, length, strings, count, more ?? null)
  call(tables) // the tables once, as the first call in an environment
  return { path, call, times: [] }
})
const expected = JSON.stringify(decoders[0].call(null))
for (const d of decoders) if (JSON.stringify(d.call(null)) !== expected) throw new Error(`${d.path}: other reports than ${decoders[0].path}`)
const seconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const K = 5
for (let round = 0; round <= Number(opts.rounds); round++) {
  for (const d of round % 2 ? [...decoders].reverse() : decoders) {
    const started = seconds()
    for (let i = 0; i < K; i++) d.call(null)
    if (round > 0) d.times.push((seconds() - started) / K)
  }
}
const sorted = (xs) => [...xs].sort((a, b) => a - b)
for (const d of decoders) {
  const t = sorted(d.times)
  console.log(`${d.path}: median ${(t[t.length >> 1] * 1e3).toFixed(3)} ms, lowest ${(t[0] * 1e3).toFixed(3)} ms per decode of ${texts.length} reports`)
}
