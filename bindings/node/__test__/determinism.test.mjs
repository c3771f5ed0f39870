// The same input gives the same report on 1, 2 or 4 threads. The batch pool
// is sized once per process (RAYON_NUM_THREADS), so each thread count runs
// in its own child process (helpers/batch-digest.mjs), which scores the real
// EPITOME pairs of ../shared/data (read at run time; the corpus is licensed
// and never copied into the repo) with single calls, scoreMany and
// scoreManyAsync, alone and with the customer messages, and prints a digest
// of each report's JSON. Every digest must agree, across modes and across
// thread counts. Skips when the corpus is absent.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { DEFAULT_DATA } from '../bench/corpus.mjs'

const helper = fileURLToPath(new URL('./helpers/batch-digest.mjs', import.meta.url))
const haveCorpus = ['emotional-reactions', 'interpretations', 'explorations'].every((s) =>
  existsSync(join(DEFAULT_DATA, 'epitome', `${s}.dev.csv`)),
)

function run(threads) {
  const out = execFileSync(process.execPath, [helper], {
    env: { ...process.env, RAYON_NUM_THREADS: String(threads) },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: 300_000,
  })
  return JSON.parse(out)
}

/** Index of the first differing digest, for a readable failure. */
const firstDifference = (a, b) => a.findIndex((x, i) => x !== b[i])

describe('reports do not depend on the thread count', { skip: !haveCorpus && `no corpus at ${DEFAULT_DATA}` }, () => {
  test('scoreMany, scoreManyAsync and score agree on 1, 2 and 4 threads', () => {
    const runs = Object.fromEntries([1, 2, 4].map((n) => [n, run(n)]))
    const reference = runs[1]
    assert.ok(reference.texts >= 2000, `${reference.texts} texts`)
    // Single calls are the reference; every batch mode must match them.
    for (const [threads, result] of Object.entries(runs)) {
      if (result.poolThreads !== null) {
        // The setting took effect: the pool started that many threads.
        assert.equal(result.poolThreads, Number(threads), `RAYON_NUM_THREADS=${threads}`)
      }
      assert.equal(result.texts, reference.texts)
      for (const [mode, expected] of [
        ['single', reference.single],
        ['many', reference.single],
        ['manyAsync', reference.single],
        ['pairsSingle', reference.pairsSingle],
        ['pairs', reference.pairsSingle],
        ['pairsAsync', reference.pairsSingle],
      ]) {
        assert.equal(result[mode].length, expected.length)
        const at = firstDifference(result[mode], expected)
        assert.equal(at, -1, `${mode} on ${threads} threads differs from single calls on 1 thread at text ${at}`)
      }
    }
    // Replies scored alone and as answers differ somewhere (the context is
    // in the report), so the two comparisons are not the same one twice.
    assert.notDeepEqual(reference.single, reference.pairsSingle)
  })
})
