// Offsets are UTF-16 code units: `text.slice(m.start, m.end) === m.text`.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Analyzer, analyzeConversation, analyzeCustomer, score, scoreReply, tokenize } from 'empathize'

const analyzer = new Analyzer()

function assertSlices(text, report, label = '') {
  for (const m of report.matches) {
    assert.equal(text.slice(m.start, m.end), m.text, `${label} match ${m.rule} ${m.start}..${m.end}`)
  }
  for (const s of report.strategies ?? []) {
    assert.ok(0 <= s.start && s.start <= s.end && s.end <= text.length, `${label} sentence ${s.start}..${s.end}`)
  }
}

function assertTokens(text, tokens) {
  // Lone surrogates reach Rust as U+FFFD (one unit, like the surrogate).
  const wellFormed = text.toWellFormed()
  let previousEnd = 0
  for (const t of tokens) {
    assert.equal(wellFormed.slice(t.start, t.end), t.text, `token ${t.start}..${t.end}`)
    assert.ok(t.start >= previousEnd, 'tokens are in order and do not overlap')
    previousEnd = t.end
  }
  assert.ok(previousEnd <= text.length)
}

const TEXTS = {
  emoji: '😭😭 I’m so sorry — I understand how frustrating that is 🙏. I’ll fix it today.',
  zwj: '👩‍👩‍👧‍👦🇫🇷 I’m so sorry about that, I understand how upsetting it is.',
  accents: 'Désolé, José — I’m really sorry. I understand how frustrating this is, Zoë.',
  combining: 'Jose\u0301 I\u2019m so\u0301 sorry, I understand how frustrating that is.',
  cjk: '我很抱歉 😭 I’m so sorry about that, 真的。I understand how frustrating that is.',
  mixed: 'مرحبا Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͙ I’m so sorry, I understand. Ελπίζω να βοηθήσω. 😀',
}

describe('UTF-16 offsets', () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    test(`score: ${name}`, () => {
      const report = score(text)
      assert.ok(report.matches.length > 0, 'the text has matches')
      assertSlices(text, report, name)
    })
    test(`scoreReply and Analyzer: ${name}`, () => {
      const customer = '😡😡 My order is late AGAIN and I’m furious!!! 我很生气'
      assertSlices(text, scoreReply(customer, text), name)
      assertSlices(text, analyzer.score(text, { customer }), name)
    })
    test(`tokenize: ${name}`, () => {
      assertTokens(text, tokenize(text))
      assertTokens(text, analyzer.tokenize(text))
    })
  }

  test('an emoji before a match shifts it by two units each', () => {
    const text = '😭😭 I’m so sorry'
    const m = score(text).matches.find((x) => x.text === 'I’m so sorry')
    assert.ok(m, 'the apology matched')
    assert.equal(m.start, 5)
    assert.equal(m.end, text.length)
  })

  test('customer messages', () => {
    const text = '😡😡😡 Café order #4 is late — THIS IS THE THIRD TIME!!! I’m furious and in tears 😭 我很生气'
    const report = analyzeCustomer(text)
    assert.ok(report.matches.length > 0)
    assertSlices(text, report)
  })

  test('conversations: each turn in its own text', () => {
    const turns = [
      { role: 'customer', text: '😡 Ma commande est en retard. I’m really upset 😭😭' },
      { role: 'agent', text: '🙂 Hello! 我很抱歉 — I’m so sorry, I understand how upsetting that is.' },
      { role: 'user', text: 'ok 👍' },
      { role: 'bot', text: 'Thanks José 🙏, I’ll check tomorrow that it arrived. Does that work for you?' },
    ]
    const report = analyzeConversation(turns)
    report.turns.forEach((turn, i) => {
      const r = turn.reply ?? turn.customer
      assertSlices(turns[i].text, r, `turn ${i}`)
    })
    assert.ok(report.turns[1].reply.matches.length > 0)
  })

  test('batches', async () => {
    const texts = Object.values(TEXTS)
    const sync = analyzer.scoreMany(texts)
    const asyncReports = await analyzer.scoreManyAsync(texts)
    texts.forEach((text, i) => {
      assertSlices(text, sync[i])
      assertSlices(text, asyncReports[i])
    })
  })
})

describe('lone surrogates', () => {
  const texts = [
    '\uD83D I’m so sorry \uDE2D, I understand how frustrating that is \uD800',
    'I’m so sorry\uDFFF\uDFFF I understand',
    '\uDC00\uD800\uD800 sorry 😭 sorry',
    '\uD800',
    '\uDC00I’m so sorry',
  ]
  for (const text of texts) {
    test(JSON.stringify(text), () => {
      for (const report of [score(text), score(text, { customer: text }), analyzeCustomer(text)]) {
        for (const m of report.matches) {
          // Offsets still index the caller's string: the slice equals the
          // match once lone surrogates are replaced, as napi replaced them.
          assert.equal(text.toWellFormed().slice(m.start, m.end), m.text)
          if (!/[\uD800-\uDFFF]/.test(text.slice(m.start, m.end))) {
            assert.equal(text.slice(m.start, m.end), m.text)
          }
        }
      }
      assertTokens(text, tokenize(text))
    })
  }

  test('a match after lone surrogates slices the original string', () => {
    const text = '\uD800\uD800 I’m so sorry'
    const m = score(text).matches.find((x) => x.text === 'I’m so sorry')
    assert.ok(m)
    assert.equal(text.slice(m.start, m.end), 'I’m so sorry')
  })
})

describe('random mixed text', () => {
  const pieces = [
    'sorry', 'I’m so sorry', 'I understand', 'how frustrating', 'not', 'never', 'policy', '!!!', '?',
    ' ', ' ', '\n', '😭', '🙏', '👩‍👩‍👧', '🇫🇷', 'é', 'e\u0301', '中文', '抱歉', 'Ж', 'ـــ', '\u200b',
    '\u0000', '\uD800', '\uDC00', 'https://x.io/a?b=1', '@bob', '#tag', 'I’ll', 'don’t', 'SOOOO',
  ]
  // A small deterministic generator, so a failure can be replayed.
  let seed = 12345
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed
  }
  test('300 texts: offsets slice, nothing throws', () => {
    for (let i = 0; i < 300; i++) {
      const n = next() % 40
      let text = ''
      for (let j = 0; j < n; j++) text += pieces[next() % pieces.length]
      const report = score(text, { customer: text })
      const wellFormed = text.toWellFormed()
      for (const m of report.matches) assert.equal(wellFormed.slice(m.start, m.end), m.text, JSON.stringify(text))
      assertTokens(text, tokenize(text))
    }
  })
})
