// A batch's texts (`scoreMany`, `scoreManyAsync`: texts and customers) are
// read together (src/texts.js + src/texts.rs: their UTF-8 written by JS
// into one kept buffer, copied and cut at their ends by Rust). Each text
// must arrive as when read alone: the texts equal those read one by one on
// arbitrary input, the reports equal `score` / `scoreReply` of each text and
// the reference transfer, whatever the texts around it (lone surrogates at
// the edges, texts that outgrow the buffer, empty texts); each element is
// read once; a batch read inside another's getter leaves the outer one
// intact; a non-string is still named in the error. Needs a build with the
// `testing` feature (`npm run build:test`).

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import empathize, { Analyzer } from 'empathize'

const { _readTexts, _referenceJson } = empathize
const analyzer = new Analyzer()

const SORRY = 'I’m so sorry about the wait, I understand how frustrating that is.'
// Units of a long text: three bytes a unit at most is more than the 64 kB
// texts.js starts its buffer with.
const CHUNK = 1 << 15

/** `n` units of text: words and sorries, with a non-ASCII quote. */
function filler(n) {
  let out = ''
  while (out.length < n) out += `${SORRY} Thanks for waiting! `
  return out.slice(0, n)
}

const EDGES = [
  '',
  SORRY,
  // A lone high surrogate at the end, then a lone low one at the start of
  // the next text: read alone, each is U+FFFD; joined, they would be 😀.
  `${SORRY} \uD83D`,
  `\uDE00 ${SORRY}`,
  '\uD83D',
  '\uDE00',
  `😀 ${SORRY} 😭`,
  '',
  '',
  'é',
  `naïve café, ${SORRY}`,
  '我很抱歉 I’m so sorry — مرحبا',
  'NUL \u0000 inside',
  // Around the first buffer's size and longer.
  filler(CHUNK - 5),
  `${filler(10)}😀`,
  filler(CHUNK),
  filler(CHUNK + 3),
  `\uDE00${filler(100)}\uD83D`,
  filler(2 * CHUNK + 7),
  '',
]

const alone = (texts) => texts.map((t) => analyzer.score(t))

/** A generator of pseudo-random numbers in [0, 1) from `seed` (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Pieces of arbitrary texts: ASCII, two- and three-byte characters, a pair,
// lone surrogates of both kinds, NUL, the replacement character.
const PIECES = ['a', 'sorry ', ' ', '.', 'é', '日', '😀', '\uD83D', '\uDE00', '\u0000', '\uFFFD', SORRY]

/** An arbitrary batch: up to `most` texts of up to `longest` pieces each. */
function arbitraryBatch(next, most, longest) {
  return Array.from({ length: Math.floor(next() * most) }, () => {
    let text = ''
    const pieces = Math.floor(next() * next() * longest)
    for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(next() * PIECES.length)]
    return text
  })
}

describe('batch texts', () => {
  test('arbitrary batches are read as one by one', () => {
    const next = random(15)
    for (let trial = 0; trial < 300; trial++) {
      // Now and then a batch long enough to outgrow the kept buffers.
      const texts = trial % 50 === 49 ? arbitraryBatch(next, 3000, 400) : arbitraryBatch(next, 40, 60)
      const read = _readTexts(texts)
      assert.deepEqual(read, _readTexts(texts, true), `trial ${trial}`)
      assert.deepEqual(read, texts.map((t) => Buffer.from(t).toString()), `trial ${trial}`)
    }
  })

  test('each text is read as alone, whatever its neighbours', async () => {
    const expected = alone(EDGES)
    assert.deepEqual(analyzer.scoreMany(EDGES), expected)
    assert.deepEqual(await analyzer.scoreManyAsync(EDGES), expected)
    assert.deepEqual(analyzer.scoreMany(EDGES), JSON.parse(_referenceJson('scoreMany', EDGES)))
    // Every order of neighbours around the surrogates and edges.
    const reversed = [...EDGES].reverse()
    assert.deepEqual(analyzer.scoreMany(reversed), alone(reversed))
    const surrogates = ['\uD83D', '\uDE00', 'a\uD83D', '\uDE00b', '\uD83D', '\uD83D', '\uDE00\uDE00', '\uD83D\uDE00']
    assert.deepEqual(analyzer.scoreMany(surrogates), alone(surrogates))
  })

  test('customers are read the same way', () => {
    const customers = [...EDGES].reverse()
    const expected = EDGES.map((t, i) => analyzer.scoreReply(customers[i], t))
    assert.deepEqual(analyzer.scoreMany(EDGES, { customers }), expected)
    assert.deepEqual(analyzer.scoreMany(EDGES, { customers, summary: true }), EDGES.map((t, i) => analyzer.scoreReply(customers[i], t, { summary: true })))
  })

  test('only empty texts, one text, many short texts', () => {
    assert.deepEqual(analyzer.scoreMany(['', '', '']), alone(['', '', '']))
    assert.deepEqual(analyzer.scoreMany([SORRY]), alone([SORRY]))
    const many = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '' : `${i} ${SORRY.slice(0, i % SORRY.length)}`))
    assert.deepEqual(analyzer.scoreMany(many).map((r) => r.matches), alone(many).map((r) => r.matches))
  })

  test('each element is read once', () => {
    const texts = [SORRY, 'b', 'c']
    let reads = 0
    Object.defineProperty(texts, 1, {
      get() {
        reads++
        return 'Thanks for waiting!'
      },
    })
    const reports = analyzer.scoreMany(texts)
    assert.equal(reads, 1)
    assert.deepEqual(reports, alone([SORRY, 'Thanks for waiting!', 'c']))
  })

  test('a batch read inside a getter of another leaves the outer one intact', () => {
    // The inner batch writes its lengths while the outer one is being read:
    // with one shared lengths array, the outer texts were cut wrong.
    const outer = ['a', 'bb', 'ccc', 'dddd', 'eeeee', SORRY, 'gg']
    const inner = ['x'.repeat(40), 'y'.repeat(41), 'z'.repeat(42), 'w'.repeat(43), 'v'.repeat(44)]
    let innerReports = null
    const texts = [...outer]
    Object.defineProperty(texts, 5, {
      get() {
        innerReports = analyzer.scoreMany(inner)
        return SORRY
      },
    })
    assert.deepEqual(analyzer.scoreMany(texts), alone(outer))
    assert.deepEqual(innerReports, alone(inner))
  })

  test('a non-string is still named, holes included', async () => {
    const named = (fn, what) => assert.throws(fn, (err) => err.code === 'INVALID_ARG_TYPE' && err.message.includes(`\`${what}\``))
    named(() => analyzer.scoreMany([SORRY, '', 3]), 'texts[2]')
    // eslint-disable-next-line no-sparse-arrays
    named(() => analyzer.scoreMany(['a', , 'b']), 'texts[1]')
    named(() => analyzer.scoreMany(['a'], { customers: [{}] }), 'customers[0]')
    named(() => analyzer.scoreManyAsync(['a', 'b', null]), 'texts[2]')
  })
})
