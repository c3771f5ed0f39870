// The API surface: names, plain camelCase objects, snake_case values, options.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import * as empathize from 'empathize'
import { Analyzer, analyzeConversation, analyzeCustomer, score, scoreReply, tokenize } from 'empathize'

const UPSET = 'I’ve been waiting two weeks for this refund and I’m really frustrated!!'
const GOOD = 'I’m so sorry about the wait — I understand how frustrating that is. I’ve refunded it today and I’ll check tomorrow that it cleared. Does that work for you?'
const CURT = 'Nope. Can’t work that out this time.'

/** Every object in `value` is a plain object or array (no class instances). */
function assertPlain(value, path = 'report') {
  if (value === null || typeof value !== 'object') return
  const proto = Object.getPrototypeOf(value)
  assert.ok(proto === Object.prototype || proto === Array.prototype, `${path} is a plain object`)
  for (const [k, v] of Object.entries(value)) {
    if (!Array.isArray(value)) assert.doesNotMatch(k, /_/, `${path}.${k} is camelCase`)
    assertPlain(v, `${path}.${k}`)
  }
}

describe('module functions', () => {
  test('exist, and the class too', () => {
    for (const name of ['score', 'scoreReply', 'analyzeCustomer', 'analyzeConversation', 'tokenize', 'pack']) {
      assert.equal(typeof empathize[name], 'function', name)
    }
    assert.equal(typeof Analyzer, 'function')
    for (const name of ['score', 'scoreReply', 'scoreMany', 'scoreManyAsync', 'analyzeCustomer', 'analyzeConversation', 'tokenize', 'rules']) {
      assert.equal(typeof Analyzer.prototype[name], 'function', `Analyzer#${name}`)
    }
  })

  test('a reply report is a plain camelCase object that survives JSON', () => {
    const r = score(GOOD, { customer: UPSET })
    assertPlain(r)
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r)
    assert.deepEqual(Object.keys(r), ['score', 'logit', 'dimensions', 'flags', 'epitome', 'evidence', 'strategies', 'matches', 'breakdown', 'tips', 'context'])
    assert.equal(r.logit, r.breakdown.reduce((sum, t) => sum + t.value, 0))
    assert.ok('followUp' in r.dimensions)
    assert.ok('emotionalReactions' in r.epitome)
    assert.equal(typeof r.context.distressLevel, 'number')
    assert.equal(typeof r.context.complaint, 'boolean')
    const m = r.matches[0]
    assert.deepEqual(Object.keys(m), ['rule', 'source', 'category', 'polarity', 'start', 'end', 'text', 'contribution', 'negated', 'suppressed'])
    assert.ok(['positive', 'negative', 'neutral'].includes(m.polarity))
    const sources = new Set(r.breakdown.map((t) => t.source))
    assert.ok(sources.has('bias') && sources.has('match'))
    for (const t of r.breakdown) {
      if (t.source === 'match') assert.equal(r.matches[t.matchIndex].rule, t.label)
      else assert.equal(t.matchIndex, null)
    }
  })

  test('enum values stay snake_case strings', () => {
    const r = score(CURT, { customer: UPSET })
    assert.ok(r.flags.includes('refusal_without_alternative'), JSON.stringify(r.flags))
    assert.ok(r.flags.includes('curt'))
    assert.ok(r.tips.some((t) => t.code === 'offer_alternative' && typeof t.message === 'string'))
    const good = score(GOOD, { customer: UPSET })
    assert.ok(good.matches.some((m) => m.category === 'follow_up'), 'category follow_up')
    assert.ok(good.strategies.every((s) => /^[a-z_]+$/.test(s.strategy)))
  })

  test('score(reply, { customer }) = scoreReply(customer, reply); alone, no context', () => {
    assert.deepEqual(score(CURT, { customer: UPSET }), scoreReply(UPSET, CURT))
    assert.equal(score(CURT).context, null)
    assert.ok(score(GOOD, { customer: UPSET }).score > score(CURT, { customer: UPSET }).score)
  })

  test('customer report', () => {
    const c = analyzeCustomer('This is the THIRD time I’m calling!!! I’m in tears, I want to speak to a manager 😭')
    assertPlain(c)
    assert.deepEqual(Object.keys(c), ['distress', 'distressLevel', 'emotions', 'escalation', 'repetition', 'emphasis', 'complaint', 'matches', 'breakdown'])
    assert.ok(c.distressLevel >= 2)
    assert.equal(c.escalation, true)
    assert.deepEqual(Object.keys(c.emotions), ['anger', 'frustration', 'sadness', 'anxiety', 'disappointment', 'confusion', 'urgency', 'gratitude'])
  })

  test('tokens', () => {
    const tokens = tokenize('I’m SOOO sorry!!!')
    assertPlain(tokens)
    assert.deepEqual(tokens.map((t) => t.norm), ['i am', 'so', 'sorry', '!'])
    assert.deepEqual(tokens.map((t) => t.kind), ['word', 'word', 'word', 'punct'])
    assert.ok(tokens[1].caps && tokens[1].elongated && tokens[3].emphatic)
    assert.deepEqual(tokenize('I am not sorry').map((t) => t.negated), [false, false, false, true])
  })
})

const CONVERSATION = [
  { role: 'customer', text: 'My order is late again and I’m really upset.' },
  { role: 'agent', text: 'Please send your order number.', agentId: 'devon' },
  { role: 'user', text: 'I’m in tears, this was a gift!', timestamp: '2024-05-01T10:00:00Z' },
  { role: 'Assistant', text: 'I’m so sorry, I understand how upsetting this is.', agent_id: 'maria', timestamp: 1714557600 },
]

describe('conversations', () => {
  test('report shape, missed opportunities and repetition objects', () => {
    const r = analyzeConversation(CONVERSATION)
    assertPlain(r)
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r)
    assert.equal(r.turns.length, 4)
    assert.deepEqual(r.turns.map((t) => t.role), ['customer', 'agent', 'customer', 'agent'])
    assert.deepEqual(r.turns.map((t) => t.index), [0, 1, 2, 3])
    assert.equal(r.turns[0].reply, null)
    assert.equal(r.turns[1].customer, null)
    assert.equal(r.turns[1].agentId, 'devon')
    assert.equal(r.turns[3].agentId, 'maria', 'agent_id is accepted too')
    assert.equal(typeof r.lateEmpathy, 'boolean')
    const missed = analyzeConversation([
      { role: 'customer', text: 'I’m furious and in tears, my order is lost AGAIN!!! 😡😭' },
      { role: 'agent', text: 'Send the order number.' },
    ]).missedOpportunities
    assert.equal(missed.length, 1, JSON.stringify(missed))
    assert.deepEqual(Object.keys(missed[0]), ['customerTurn', 'agentTurn', 'distressLevel'])
    assert.equal(missed[0].customerTurn, 0)
    assert.equal(missed[0].agentTurn, 1)
    assert.ok(missed[0].distressLevel >= 1)
    assert.deepEqual(r.agents.map((a) => a.agentId).sort(), ['devon', 'maria'])
    for (const a of r.agents) {
      assert.deepEqual(Object.keys(a), ['agentId', 'turns', 'meanScore', 'empathicTurns', 'missedOpportunities', 'flags'])
    }
    for (const key of ['firstDistressTurn', 'peakDistressTurn', 'firstEmpathyTurn', 'empathyLatency']) {
      assert.ok(key in r, key)
    }
  })

  test('scripted repetition is a list of {phrase, count, turns}', () => {
    const script = 'We apologize for any inconvenience this may have caused.'
    const r = analyzeConversation([
      { role: 'customer', text: 'Where is my parcel?' },
      { role: 'agent', text: script },
      { role: 'customer', text: 'That does not answer my question.' },
      { role: 'agent', text: script },
      { role: 'customer', text: 'Hello??' },
      { role: 'agent', text: script },
    ])
    assert.ok(r.scriptedRepetition.length > 0, JSON.stringify(r.scriptedRepetition))
    for (const rep of r.scriptedRepetition) {
      assert.deepEqual(Object.keys(rep), ['phrase', 'count', 'turns'])
      assert.equal(typeof rep.phrase, 'string')
      assert.equal(rep.count, rep.turns.length)
    }
  })

  test('empty conversation', () => {
    const r = analyzeConversation([])
    assert.deepEqual(r.turns, [])
    assert.equal(r.firstDistressTurn, null)
    assert.equal(r.lateEmpathy, false)
  })
})

const ALOHA = `
[[rules]]
id = "warmth.aloha"
category = "warmth"
weight = 0.8
patterns = ["aloha"]
`

describe('Analyzer options', () => {
  test('default analyzer = module functions', () => {
    const a = new Analyzer()
    assert.deepEqual(a.score(GOOD, { customer: UPSET }), score(GOOD, { customer: UPSET }))
    assert.deepEqual(a.analyzeCustomer(UPSET), analyzeCustomer(UPSET))
    assert.deepEqual(a.analyzeConversation(CONVERSATION), analyzeConversation(CONVERSATION))
    assert.deepEqual(a.tokenize(GOOD), tokenize(GOOD))
  })

  test('extraRules (a string or a list) adds rules', () => {
    assert.equal(score('Aloha!').dimensions.warmth, new Analyzer().score('Aloha!').dimensions.warmth)
    for (const extraRules of [ALOHA, [ALOHA], [ALOHA, ALOHA.replace('aloha"]', 'mahalo"]').replace('warmth.aloha', 'warmth.mahalo')]]) {
      const a = new Analyzer({ extraRules })
      assert.ok(a.score('Aloha!').dimensions.warmth > 0)
      assert.ok(a.rules().some((r) => r.id === 'warmth.aloha'))
      assert.ok(a.rules().length > 1)
    }
  })

  test('rules replaces the default pack', () => {
    const a = new Analyzer({ rules: ALOHA })
    const rules = a.rules()
    assert.equal(rules.length, 1)
    assertPlain(rules)
    assert.deepEqual(rules[0], {
      id: 'warmth.aloha',
      category: 'warmth',
      weight: 0.8,
      patterns: ['aloha'],
      epitome: null,
      strategy: null,
      description: rules[0].description,
      pack: rules[0].pack,
      line: 3,
    })
    assert.equal(a.score('I’m so sorry').dimensions.apology, 0)
    assert.ok(a.score('aloha').dimensions.warmth > 0)
  })

  test('disable switches rules off', () => {
    const defaults = new Analyzer().rules()
    assert.ok(defaults.length > 10)
    const hit = score(GOOD).matches[0].rule
    const a = new Analyzer({ disable: [hit] })
    assert.equal(a.rules().length, defaults.length - 1)
    assert.ok(!a.score(GOOD).matches.some((m) => m.rule === hit))
  })
})
