// The real corpus the benchmarks, the soak and the determinism tests read:
// ../shared/data next to the repository (never copied into it).

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `../shared/data` relative to the repository root. */
export const DEFAULT_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url))

/** Parses RFC 4180 CSV: quoted fields may hold commas, newlines and "". */
export function parseCsv(source) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  const [header, ...body] = rows
  return body.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
}

/**
 * Every distinct `response_post` of `epitome/*.dev.csv`, then the `text`
 * column of `twcs/sample.csv`.
 */
export function loadTexts(dir = DEFAULT_DATA) {
  const texts = new Set()
  const epitome = join(dir, 'epitome')
  for (const file of readdirSync(epitome).filter((f) => f.endsWith('.dev.csv')).sort()) {
    for (const row of parseCsv(readFileSync(join(epitome, file), 'utf8'))) texts.add(row.response_post)
  }
  const epitomeCount = texts.size
  for (const row of parseCsv(readFileSync(join(dir, 'twcs', 'sample.csv'), 'utf8'))) texts.add(row.text)
  return { texts: [...texts], epitomeCount }
}

/**
 * (customer message, reply) pairs: `seeker_post` and `response_post` of one
 * EPITOME split, or `null` when the corpus is absent.
 */
export function loadPairs(dir = DEFAULT_DATA, split = 'emotional-reactions') {
  const file = join(dir, 'epitome', `${split}.dev.csv`)
  if (!existsSync(file)) return null
  return parseCsv(readFileSync(file, 'utf8')).map((row) => [row.seeker_post, row.response_post])
}
