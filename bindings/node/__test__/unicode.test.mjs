// Hostile text through the Node binding: every Unicode code point (so every
// general category), every lone surrogate code unit, NUL and control
// characters, right-to-left text with bidi controls and combining marks.
// Each gets a report whose UTF-16 offsets slice the caller's string (lone
// surrogates arrive in Rust as U+FFFD, one unit like the surrogate, so
// offsets after them still line up). The 10 MB message is in errors.test.mjs.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Analyzer, analyzeConversation, analyzeCustomer, score, scoreReply, tokenize } from 'empathize'

const CATEGORIES = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co', 'Cn']
const APOLOGY = 'I’m so sorry'

function assertSlices(text, report, label = '') {
  for (const m of report.matches) {
    assert.ok(m.start >= 0 && m.start <= m.end && m.end <= text.length, `${label} ${m.start}..${m.end}`)
    assert.equal(text.slice(m.start, m.end), m.text, `${label} match ${m.rule}`)
  }
  for (const s of report.strategies ?? []) assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `${label} sentence`)
}

function assertTokens(text, tokens) {
  const wellFormed = text.toWellFormed()
  let end = 0
  for (const t of tokens) {
    assert.ok(end <= t.start && t.start <= t.end && t.end <= text.length, `token ${t.start}..${t.end}`)
    assert.equal(wellFormed.slice(t.start, t.end), t.text)
    end = t.end
  }
}

/** Every scalar value (no surrogates), as strings. */
const scalars = () => {
  const out = []
  for (let c = 0; c <= 0x10ffff; c++) if (c < 0xd800 || c > 0xdfff) out.push(String.fromCodePoint(c))
  return out
}

describe('every code point', () => {
  test('in chunks of 4096, bare and spaced, before a match', () => {
    const chars = scalars()
    const analyzer = new Analyzer()
    for (let i = 0; i < chars.length; i += 4096) {
      const chunk = chars.slice(i, i + 4096)
      const text = chunk.join('')
      const spaced = `${chunk.join(' ')} ${APOLOGY}, I understand.`
      const r = analyzer.score(spaced, { customer: text })
      assert.ok(r.score >= 0 && r.score <= 100)
      assertSlices(spaced, r, `chunk ${i.toString(16)}`)
      const apology = r.matches.find((m) => m.text === APOLOGY)
      assert.ok(apology, `the apology after chunk ${i.toString(16)} is found`)
      assert.equal(apology.start, spaced.lastIndexOf(APOLOGY))
      assertSlices(text, analyzer.analyzeCustomer(text))
      assertTokens(spaced, analyzer.tokenize(spaced))
    }
  })

  // Up to 64 samples of each category, in code point order (one pass).
  const samples = Object.fromEntries(CATEGORIES.map((c) => [c, []]))
  const patterns = CATEGORIES.map((c) => [c, new RegExp(`^\\p{gc=${c}}$`, 'u')])
  for (let c = 0; c <= 0x10ffff; c++) {
    const s = String.fromCodePoint(c)
    for (const [category, re] of patterns) {
      if (samples[category].length < 64 && re.test(s)) {
        samples[category].push(s)
        break
      }
    }
  }

  for (const category of CATEGORIES) {
    test(`general category ${category} glued to the words of a match`, () => {
      assert.ok(samples[category].length > 0, `samples of ${category}`)
      for (const s of samples[category].filter((_, k) => k % 4 === 0)) {
        const text = `${s}${APOLOGY}${s} ${s}, I understand how frustrating${s}that is.${s.repeat(3)}`
        const r = score(text, { customer: `${s}I’m furious${s}!!!` })
        assert.ok(r.score >= 0 && r.score <= 100)
        assertSlices(text.toWellFormed(), r, `${category} U+${s.codePointAt(0).toString(16)}`)
        if (category !== 'Cs') assertSlices(text, r)
        assertTokens(text, tokenize(text))
      }
    })
  }
})

describe('lone surrogates', () => {
  test('every lone surrogate code unit, at varying positions: offsets after it still line up', () => {
    const prefix = '😭é '
    for (let unit = 0xd800; unit <= 0xdfff; unit++) {
      const pad = 'x'.repeat(unit % 7)
      const text = `${prefix}${pad}${String.fromCharCode(unit)} ${APOLOGY}, I understand how frustrating that is.`
      const r = score(text)
      const apology = r.matches.find((m) => m.text === APOLOGY)
      assert.ok(apology, `U+${unit.toString(16)}`)
      assert.equal(apology.start, text.indexOf(APOLOGY), `U+${unit.toString(16)}`)
      assertSlices(text, r)
      if (unit % 64 === 0) assertTokens(text, tokenize(text))
    }
  })

  test('a reversed pair is two lone surrogates, each one unit', () => {
    const text = `\uDE2D\uD83D ${APOLOGY}`
    const tokens = tokenize(text)
    assert.equal(tokens.at(-1).end, text.length)
    assert.equal(score(text).matches.find((m) => m.text === APOLOGY)?.start, 3)
  })

  test('in every entry point', async () => {
    const text = `\uD800 ${APOLOGY} \uDFFF, I understand how frustrating that is \uDBFF`
    const analyzer = new Analyzer()
    const reports = [
      score(text),
      scoreReply(text, text),
      analyzer.scoreMany([text], { customers: [text] })[0],
      (await analyzer.scoreManyAsync([text]))[0],
      analyzeCustomer(text),
      analyzeConversation([{ role: 'customer', text }, { role: 'agent', text }]).turns[1].reply,
    ]
    for (const r of reports) {
      assert.ok(r.matches.length > 0)
      assertSlices(text.toWellFormed(), r)
    }
  })
})

describe('NUL and control characters', () => {
  test('offsets slice around them', () => {
    let controls = ''
    for (const c of [...Array(0x20).keys(), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)]) controls += String.fromCharCode(c)
    const text = `\u0000\u0000 ${controls} ${APOLOGY}\u0000 about that.\u001b[0m I understand\u0007 how frustrating that is \u0000`
    const r = score(text)
    assert.ok(r.matches.some((m) => m.text === APOLOGY), JSON.stringify(r.matches.map((m) => m.text)))
    assertSlices(text, r)
    assertTokens(text, tokenize(text))
  })

  test('walls of them', () => {
    for (const text of ['\u0000'.repeat(100_000), 'so\u0000rry '.repeat(1000), '\r\n\u000b\u000c\u0085\u2028\u2029'.repeat(1000)]) {
      const r = score(text, { customer: text })
      assert.ok(r.score >= 0 && r.score <= 100)
      assertSlices(text, r)
    }
  })
})

const BIDI_CONTROLS = '\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c'

describe('right-to-left text, bidi controls and combining marks', () => {
  const texts = {
    arabic: `مَرْحَبًا بِكُمْ ـــ \u202b${APOLOGY}\u202c, I understand how frustrating that is.`,
    hebrew: `שָׁלוֹם \u2067עוֹלָם\u2069 \u202e${APOLOGY}\u202c about the delay, I understand.`,
    bidiInsideAMatch: `I’m${BIDI_CONTROLS} so sorry${BIDI_CONTROLS}, I understand how frustrating that is.`,
    stackedMarks: [..."I'm so sorry, I understand how frustrating that is."].map((c) => (/\p{L}/u.test(c) ? `${c}\u0301\u0308\u0323` : c)).join(''),
    decomposed: `\u0301Jose\u0301, ${APOLOGY} — I understand. Zoe\u0308, thank you for your patience.`,
  }
  for (const [name, text] of Object.entries(texts)) {
    test(name, () => {
      for (const r of [score(text), scoreReply(text, text)]) assertSlices(text, r, name)
      assertSlices(text, analyzeCustomer(text), name)
      assertTokens(text, tokenize(text))
      assertSlices(text, analyzeConversation([{ role: 'customer', text }, { role: 'agent', text }]).turns[1].reply, name)
    })
  }
})
