// Learned weight tables through the JS API: learned matches and their UTF-16
// spans, the distress breakdown of a customer report, and the bundled
// opt-in packs of `pack()`.
//
// The texts are written for these tests (no dataset rows): plain complaints
// whose words the GoEmotions tables of the default pack weigh.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Analyzer, analyzeConversation, analyzeCustomer, pack, score } from 'empathize'

// Upset, in words the default rules do not cover but the learned tables do.
const UPSET = 'This is awful and it sucks.'
// The same kind of words after emoji (astral: 2 UTF-16 units), a ZWJ family,
// a flag, Cyrillic and CJK.
const PREFIXED = [
  '😡😡 我很生气 — ' + UPSET,
  'Привет 👩‍👩‍👧‍👦 🇫🇷 the update is horrible, it sucks 😭',
]
// No rule speaks of distress in these: distress is the learned logit alone.
const LEARNED_ONLY = [UPSET, 'Привет 👩‍👩‍👧‍👦 🇫🇷 the update is horrible, it sucks', 'Thank you so much, that fixed it!']
// A strong rule hit (anger, repetition, escalation): distress is the rules'.
const RULES_STRONG = 'I’m furious, I already told you three times!!! I want a manager.'
// The rule categories that feed the rules' distress.
const DISTRESS_RULES = new Set([
  'anger', 'frustration', 'sadness', 'anxiety', 'disappointment', 'confusion', 'urgency', 'escalation', 'repetition',
])
// A sentence the bundled strategies table re-tags.
const RETAGGED = 'I hope you have a great day.'
const DISTRESS_TABLE = 'goemotions-distress:distress'

const sigmoid = (x) => 1 / (1 + Math.exp(-x))
const sum = (terms) => terms.reduce((s, t) => s + t.value, 0)
const learned = (report) => report.matches.filter((m) => m.source === 'learned')

describe('learned matches', () => {
  test('an upset message has learned matches', () => {
    const report = analyzeCustomer(UPSET)
    const found = learned(report)
    assert.ok(found.length > 0, JSON.stringify(report.matches))
    for (const m of report.matches) assert.ok(['rule', 'learned'].includes(m.source), m.source)
    for (const m of found) {
      const [table, target] = m.rule.split(':')
      assert.ok(['goemotions-emotions', 'goemotions-distress'].includes(table), m.rule)
      assert.equal(target, m.category)
      assert.equal(m.polarity, 'neutral')
      assert.equal(m.negated, false)
      assert.equal(m.suppressed, false)
    }
    const distress = found.filter((m) => m.rule === DISTRESS_TABLE)
    const words = new Set(distress.map((m) => m.text.toLowerCase()))
    assert.ok(words.has('awful') && words.has('sucks'), [...words].join(','))
    assert.ok(distress.every((m) => m.contribution > 0))
    assert.ok(report.distressLevel >= 2)
  })

  test('a calm message weighs down', () => {
    const report = analyzeCustomer('Thank you so much, that fixed it!')
    assert.ok(report.distress < 0.15)
    assert.ok(report.matches.some((m) => m.source === 'learned' && m.contribution < 0))
  })

  for (const text of [UPSET, ...PREFIXED]) {
    test(`spans slice the text in UTF-16 units: ${text}`, () => {
      const report = analyzeCustomer(text)
      assert.ok(learned(report).length > 0)
      for (const m of report.matches) {
        assert.ok(0 <= m.start && m.start < m.end && m.end <= text.length, `${m.rule} ${m.start}..${m.end}`)
        assert.equal(text.slice(m.start, m.end), m.text, `${m.rule} ${m.start}..${m.end}`)
      }
    })
  }

  test('offsets after emoji are UTF-16 units, not code points or bytes', () => {
    const text = PREFIXED[0]
    const awful = analyzeCustomer(text).matches.find((m) => m.text === 'awful')
    assert.ok(awful)
    assert.equal(awful.start, text.indexOf('awful'))
    assert.notEqual(awful.start, [...text.slice(0, awful.start)].length)
    assert.notEqual(awful.start, Buffer.byteLength(text.slice(0, awful.start)))
  })

  test('a conversation turn keeps learned spans and the breakdown', () => {
    const text = PREFIXED[1]
    const customer = analyzeConversation([{ role: 'customer', text }]).turns[0].customer
    assert.deepEqual(customer, analyzeCustomer(text))
    assert.ok(learned(customer).length > 0 && customer.breakdown.length > 0)
    for (const m of customer.matches) assert.equal(text.slice(m.start, m.end), m.text)
  })
})

describe('CustomerReport.breakdown', () => {
  for (const text of LEARNED_ONLY) {
    test(`sums to the distress logit: ${text}`, () => {
      const report = analyzeCustomer(text)
      const terms = report.breakdown
      assert.ok(terms.length > 0, 'the default pack has a learned distress table')
      assert.equal(terms[0].source, 'bias')
      assert.equal(terms.filter((t) => t.source === 'bias').length, 1)
      for (const t of terms) assert.ok(['bias', 'rules', 'learned'].includes(t.source), t.source)
      // Precondition: no rule speaks of distress.
      assert.deepEqual(report.matches.filter((m) => m.source === 'rule' && DISTRESS_RULES.has(m.category)), [])
      assert.ok(!terms.some((t) => t.source === 'rules'))
      assert.ok(Math.abs(sigmoid(sum(terms)) - report.distress) < 1e-3, `${sigmoid(sum(terms))} vs ${report.distress}`)
    })
  }

  test('a strong rule hit keeps the rules’ distress', () => {
    const report = analyzeCustomer(RULES_STRONG)
    assert.ok(report.breakdown.some((t) => t.source === 'rules'))
    assert.ok(report.distress >= 0.5)
    assert.ok(report.distress >= sigmoid(sum(report.breakdown)) - 1e-3)
  })

  for (const text of [UPSET, RULES_STRONG, ...PREFIXED]) {
    test(`learned terms point at their matches: ${text}`, () => {
      const { matches, breakdown } = analyzeCustomer(text)
      for (const t of breakdown) {
        assert.ok(typeof t.label === 'string' && Number.isFinite(t.value))
        if (t.source !== 'learned') assert.equal(t.matchIndex, null)
      }
      const terms = breakdown.filter((t) => t.source === 'learned')
      for (const t of terms) {
        assert.ok(Number.isInteger(t.matchIndex) && t.matchIndex >= 0 && t.matchIndex < matches.length, JSON.stringify(t))
        const m = matches[t.matchIndex]
        assert.equal(m.source, 'learned')
        assert.equal(m.rule, DISTRESS_TABLE)
        assert.equal(m.category, 'distress')
        assert.equal(m.contribution, t.value)
      }
      const indexes = terms.map((t) => t.matchIndex)
      assert.equal(new Set(indexes).size, indexes.length, 'no two terms share a match')
      const shown = matches.flatMap((m, i) => (m.rule === DISTRESS_TABLE ? [i] : []))
      assert.deepEqual([...indexes].sort((a, b) => a - b), shown)
    })
  }

  test('reports survive JSON: source and breakdown are plain data', () => {
    const report = analyzeCustomer(PREFIXED[0])
    const copy = JSON.parse(JSON.stringify(report))
    assert.deepEqual(copy, report)
    assert.ok(copy.matches.some((m) => m.source === 'learned'))
    for (const t of copy.breakdown) assert.deepEqual(Object.keys(t).sort(), ['label', 'matchIndex', 'source', 'value'])
  })

  test('an Analyzer gives the same report as the module function', () => {
    assert.deepEqual(new Analyzer().analyzeCustomer(UPSET), analyzeCustomer(UPSET))
  })
})

describe('pack()', () => {
  test('esconv-strategies is TOML for extraRules, marked non-commercial', async () => {
    const toml = pack('esconv-strategies')
    assert.equal(typeof toml, 'string')
    assert.equal(toml.split('[[tables]]').length - 1, 1)
    assert.match(toml, /^name = "esconv-strategies"$/m)
    assert.match(toml, /non-commercial/i)
    assert.match(toml, /\bNC\b/)
    assert.equal(pack('esconv-strategies'), toml)

    const withPack = new Analyzer({ extraRules: [toml] })
    const plain = new Analyzer()
    assert.ok(!plain.score(RETAGGED).matches.some((m) => m.rule.startsWith('esconv-strategies:')))
    const report = withPack.score(RETAGGED)
    const found = learned(report)
    assert.ok(found.length > 0 && found.every((m) => m.rule.startsWith('esconv-strategies:')), JSON.stringify(report.matches))
    assert.deepEqual(new Set(found.map((m) => m.category)), new Set(report.strategies.map((s) => s.strategy)))
    assert.notDeepEqual(report.strategies, plain.score(RETAGGED).strategies)
    for (const m of report.matches) assert.equal(RETAGGED.slice(m.start, m.end), m.text)
    // The batch paths (JSON in chunks, off the main thread) carry the same fields.
    assert.deepEqual(withPack.scoreMany([RETAGGED, UPSET]), [report, withPack.score(UPSET)])
    assert.deepEqual(await withPack.scoreManyAsync([RETAGGED]), [report])
    // A single string works as well as an array.
    assert.deepEqual(new Analyzer({ extraRules: toml }).score(RETAGGED), report)
    // The default analyzer is untouched.
    assert.deepEqual(score(RETAGGED), plain.score(RETAGGED))
  })

  test('an unknown name throws INVALID_ARG naming the bundled packs', () => {
    assert.throws(() => pack('nope'), (err) => {
      assert.ok(err instanceof Error && !(err instanceof TypeError))
      assert.equal(err.code, 'INVALID_ARG')
      assert.match(err.message, /nope/)
      assert.match(err.message, /esconv-strategies/)
      return true
    })
  })

  test('a name that is not a string throws INVALID_ARG_TYPE', () => {
    for (const bad of [undefined, null, 42, ['esconv-strategies']]) {
      assert.throws(() => pack(bad), (err) => {
        assert.ok(err instanceof TypeError, `${bad}: ${err?.constructor?.name} ${err?.message}`)
        assert.equal(err.code, 'INVALID_ARG_TYPE')
        assert.match(err.message, /`name`/)
        return true
      })
    }
  })
})

describe('a table scaled by length (scale = "sqrt-length")', () => {
  // A distress table with one n-gram, `invoice` at weight 2, and `scale`.
  const invoiceTable = (scale) =>
    `[[tables]]\nname = "goemotions-distress"\noutput = "distress"\n${scale}\n` +
    'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n' +
    '[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n"invoice" = 2.0\n'
  const cases = [
    ['', 'where is my invoice', 2],
    ['scale = "sqrt-length"', 'where is my invoice', 1], // 2 / √4
    ['scale = "sqrt-length"', 'hello again , where is my invoice from last month for the order i placed today', 0.5], // 2 / √16
  ]
  for (const [scale, text, expected] of cases) {
    test(`${scale || 'no scale'}: ${text.length} chars → ${expected}`, () => {
      const report = new Analyzer({ extraRules: [invoiceTable(scale)] }).analyzeCustomer(text)
      const terms = report.breakdown.filter((t) => t.source === 'learned')
      assert.equal(terms.length, 1)
      assert.equal(terms[0].value, expected)
      const m = report.matches[terms[0].matchIndex]
      assert.equal(m.contribution, expected)
      assert.equal(m.text, 'invoice')
    })
  }

  test('an unknown scale is a RULE_PACK error on its line', () => {
    assert.throws(() => new Analyzer({ extraRules: [invoiceTable('scale = "log"')] }), (err) => {
      assert.equal(err.code, 'RULE_PACK')
      assert.equal(err.line, 4)
      assert.match(err.message, /scale/)
      return true
    })
  })
})

describe('courtesy spans (mask_learned rules, skip_masked tables)', () => {
  // A distress table `t-distress` with `sorry` at 2 and `invoice` at 1.
  const sorryTable = (skipMasked) =>
    `[[tables]]\nname = "t-distress"\noutput = "distress"\n${skipMasked}\n` +
    'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n' +
    '[tables.bias]\ndistress = -3.0\n[tables.weights.distress]\n"sorry" = 2.0\n"invoice" = 1.0\n'
  const learnedTexts = (pack, text) => {
    const analyzer = new Analyzer({ extraRules: [pack], disable: ['goemotions-distress', 'goemotions-emotions'] })
    return learned(analyzer.analyzeCustomer(text)).map((m) => m.text.toLowerCase())
  }
  const POLITE = 'Sorry to bother you, but where is my invoice?'
  const REMORSE = 'I’m so sorry, I ordered the wrong size'
  const cases = [
    ['skip_masked = true', POLITE, ['invoice']], // a courtesy formula
    ['', POLITE, ['sorry', 'invoice']],
    ['skip_masked = false', POLITE, ['sorry', 'invoice']],
    ['skip_masked = true', REMORSE, ['sorry']], // remorse is no courtesy
  ]
  for (const [skipMasked, text, expected] of cases) {
    test(`${skipMasked || 'no setting'}: ${text} → ${expected.join(', ')}`, () => {
      assert.deepEqual(learnedTexts(sorryTable(skipMasked), text), expected)
    })
  }

  test('a pack rule with mask_learned masks its span', () => {
    const rule = (mask) =>
      `[[rules]]\nid = "courtesy.test"\ncategory = "courtesy"\nweight = 0.0\n${mask}\npatterns = ["my invoice"]\n\n` +
      sorryTable('skip_masked = true')
    assert.deepEqual(learnedTexts(rule('mask_learned = true'), 'Where is my invoice?'), [])
    assert.deepEqual(learnedTexts(rule(''), 'Where is my invoice?'), ['invoice'])
  })

  test('mask_learned on a reply category and skip_masked on a reply table are RULE_PACK errors', () => {
    const rule =
      '[[rules]]\nid = "warmth.test"\ncategory = "warmth"\nweight = 1.0\nmask_learned = true\npatterns = ["hello there"]\n'
    assert.throws(() => new Analyzer({ extraRules: [rule] }), (err) => {
      assert.equal(err.code, 'RULE_PACK')
      assert.equal(err.field, 'mask_learned')
      assert.equal(err.line, 5)
      return true
    })
    const table =
      '[[tables]]\nname = "t-epitome"\noutput = "epitome"\nskip_masked = true\n' +
      'trained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n'
    assert.throws(() => new Analyzer({ extraRules: [table] }), (err) => {
      assert.equal(err.code, 'RULE_PACK')
      assert.equal(err.line, 4)
      assert.match(err.message, /skip_masked/)
      return true
    })
  })
})

describe('a second strategy tag (strategy_learned_second)', () => {
  const STRATEGIES = [
    'question', 'restatement', 'reflection_of_feelings', 'self_disclosure',
    'affirmation_reassurance', 'suggestion', 'information', 'other',
  ]
  // Strategies: "walk" is a suggestion (5.0), "hard" affirmation (4.9).
  const walkTable = (extra) =>
    new Analyzer({
      extraRules: [
        '[[tables]]\nname = "walk"\noutput = "strategies"\ntrained_on = "t"\nlicence = "t"\ncommand = "t"\nheld_in = "t"\n\n' +
          `[tables.bias]\n${STRATEGIES.map((t) => `${t} = -3.0\n`).join('')}\n[tables.rules]\nother = 1.0\n\n` +
          '[tables.weights.suggestion]\n"walk" = 5.0\n\n[tables.weights.affirmation_reassurance]\n"hard" = 4.9\n\n' +
          `[scoring]\n${extra}\n`,
      ],
    })
  const TEXT = 'It is hard, a walk helps. Thanks.'
  const tags = (extra) => walkTable(extra).score(TEXT).strategies.map((s) => [s.start, s.strategy])

  test('the runner-up within the gap is a second tag of the same sentence', () => {
    const one = tags('')
    assert.equal(one.length, 2)
    assert.deepEqual(one[0], [0, 'suggestion'])
    const two = tags('strategy_learned_second = 0.2')
    assert.deepEqual(two.slice(0, 2), [[0, 'suggestion'], [0, 'affirmation_reassurance']])
    assert.equal(two.length, 3)
    assert.deepEqual(tags('strategy_learned_second = 0.05'), one)
    const report = walkTable('strategy_learned_second = 0.2').score(TEXT)
    assert.deepEqual(learned(report).map((m) => m.text), ['hard', 'walk'])
  })
})
