// Run as a child process by ../determinism.test.mjs with RAYON_NUM_THREADS
// set: scores the real corpus every way (single calls, scoreMany,
// scoreManyAsync, with and without customer messages) and prints one short
// digest of each report's JSON, plus how many threads the batch pool started.

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'

import { Analyzer, score, scoreReply } from 'empathize'

import { loadPairs } from '../../bench/corpus.mjs'

const SPLITS = ['emotional-reactions', 'interpretations', 'explorations']
const seen = new Map()
for (const split of SPLITS) {
  for (const [customer, reply] of loadPairs(undefined, split) ?? []) seen.set(`${customer}\u0000${reply}`, [customer, reply])
}
const pairs = [...seen.values()]
const replies = pairs.map(([, reply]) => reply)
const customers = pairs.map(([customer]) => customer)

/** Names of this process's threads (Linux), to count the pool's. */
const threadNames = () => {
  try {
    return readdirSync('/proc/self/task').map((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim())
  } catch {
    return null
  }
}
const digest = (reports) => reports.map((r) => createHash('sha256').update(JSON.stringify(r)).digest('hex').slice(0, 20))

const analyzer = new Analyzer()
const before = threadNames()
const many = digest(analyzer.scoreMany(replies)) // starts the batch pool
const after = threadNames()
const result = {
  texts: pairs.length,
  poolThreads: before && after ? after.length - before.length : null,
  many,
  manyAsync: digest(await analyzer.scoreManyAsync(replies)),
  single: digest(replies.map((t) => score(t))),
  pairs: digest(analyzer.scoreMany(replies, { customers })),
  pairsAsync: digest(await analyzer.scoreManyAsync(replies, { customers })),
  pairsSingle: digest(pairs.map(([customer, reply]) => scoreReply(customer, reply))),
}
console.log(JSON.stringify(result))
