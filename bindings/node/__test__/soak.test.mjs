// Short variant of bench/soak.mjs (the million-call leak check): 50,000
// calls of every kind — reports read, batches sync and async, conversations,
// lone surrogates, errors thrown and caught — and the resident set size may
// not grow by more than 20 MB after the first tenth (warm-up), with a full
// GC before each reading. A leak of even a few hundred bytes per call would
// show as far more than that over a million calls; this bound only catches
// gross leaks (a report or a string never freed), so it cannot flake on
// allocator noise.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const soak = fileURLToPath(new URL('../bench/soak.mjs', import.meta.url))

test('50,000 calls do not grow RSS', () => {
  const run = spawnSync(process.execPath, ['--expose-gc', soak, '--calls', '50000', '--json', '--max-growth-mb', '20'], {
    encoding: 'utf8',
    timeout: 300_000,
  })
  assert.equal(run.status, 0, run.stdout + run.stderr)
  const result = JSON.parse(run.stdout)
  assert.equal(result.calls, 50_000)
  assert.equal(result.gc_between_checkpoints, true)
  assert.equal(result.rss_mb.length, 11) // start + ten checkpoints
  assert.ok(result.growth_after_warm_up_mb <= 20, `${result.growth_after_warm_up_mb} MB`)
})
