// The shared golden cases of tests/golden/, through the Node API.
// A failure here is a disagreement between the case and the core (the rule
// pack or the weights), not necessarily a binding bug: see the README there.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { analyzeConversation, analyzeCustomer, score } from 'empathize'
import {
  UnknownKeyError,
  checkConversation,
  checkCustomer,
  checkOffsets,
  checkReply,
  input,
  loadGolden,
} from './golden.mjs'

const messages = loadGolden('messages.json')
const conversations = loadGolden('conversations.json')
const strategies = loadGolden('strategies.json')

const CASE_KEYS = new Set(['name', 'description', 'kind', 'text', 'customer', 'repeat', 'expect'])

describe('golden messages', () => {
  assert.ok(messages.cases.length >= 40, 'the golden file has its cases')
  for (const kase of messages.cases) {
    test(kase.name, () => {
      for (const key of Object.keys(kase)) assert.ok(CASE_KEYS.has(key), `unknown case key \`${key}\``)
      const kind = kase.kind ?? 'reply'
      assert.ok(kind === 'reply' || kind === 'customer', `unknown kind ${kind}`)
      const text = input(kase, 'text')
      let failures
      if (kind === 'customer') {
        const report = analyzeCustomer(text)
        failures = [...checkOffsets(text, report.matches), ...checkCustomer(report, kase.expect)]
        assert.deepEqual(analyzeCustomer(text), report, 'same input, same report')
      } else {
        const customer = input(kase, 'customer')
        const report = score(text, { customer })
        failures = [...checkOffsets(text, report.matches), ...checkReply(report, kase.expect)]
      }
      assert.deepEqual(failures, [], `${kase.name}:\n  ${failures.join('\n  ')}`)
    })
  }
})

describe('golden conversations', () => {
  for (const kase of conversations.cases) {
    test(kase.name, () => {
      // Turns are passed as written in the JSON file (`agent_id` spelling).
      const report = analyzeConversation(kase.turns)
      assert.equal(report.turns.length, kase.turns.length)
      const failures = []
      report.turns.forEach((turn, i) => {
        const matches = (turn.reply ?? turn.customer).matches
        failures.push(...checkOffsets(kase.turns[i].text, matches).map((f) => `turn ${i} ${f}`))
        if (kase.turns[i].agent_id !== undefined) assert.equal(turn.agentId, kase.turns[i].agent_id)
      })
      failures.push(...checkConversation(report, kase.expect))
      assert.deepEqual(failures, [], `${kase.name}:\n  ${failures.join('\n  ')}`)
    })
  }
})

describe('golden checkers', () => {
  test('know every key documented in messages.json', () => {
    const documented = Object.keys(messages.keys).flatMap((k) => k.split('/').map((s) => s.trim()))
    const reply = score('Thanks!')
    const customer = analyzeCustomer('Thanks!')
    for (const key of documented) {
      if (key === 'kind' || key === 'repeat') continue // case keys, not expect keys
      const sample = { [key]: key.endsWith('_min') || key.endsWith('_max') ? 0 : [] }
      if (['escalation', 'repetition', 'complaint'].includes(key)) sample[key] = false
      if (['dimensions_min', 'dimensions_max', 'emotions_min', 'epitome_min', 'epitome_max'].includes(key)) sample[key] = {}
      const handled = [() => checkReply(reply, sample), () => checkCustomer(customer, sample)].some((check) => {
        try {
          check()
          return true
        } catch (err) {
          if (err instanceof UnknownKeyError) return false
          throw err
        }
      })
      assert.ok(handled, `documented key ${key} is not checked`)
    }
  })

  test('fail on unknown keys', () => {
    assert.throws(() => checkReply(score('Thanks!'), { flagz_include: ['curt'] }), UnknownKeyError)
    assert.throws(() => checkCustomer(analyzeCustomer('Thanks!'), { score_min: 1 }), UnknownKeyError)
    assert.throws(() => checkConversation(analyzeConversation([]), { lateEmpathy: true }), UnknownKeyError)
  })

  test('fail when an expectation fails', () => {
    const report = score('Nope.', { customer: 'I am furious, my order is lost!' })
    assert.notDeepEqual(checkReply(report, { score_min: 101 }), [])
    assert.notDeepEqual(checkReply(report, { flags_exclude: report.flags }), report.flags.length ? [] : ['-'])
    assert.notDeepEqual(checkReply(report, { dimensions_min: { follow_up: 2 } }), [])
    assert.notDeepEqual(checkReply(report, { dimensions_min: { no_such_dimension: 0 } }), [])
    assert.notDeepEqual(checkCustomer(analyzeCustomer('fine'), { distress_level: 3 }), [])
    const convo = analyzeConversation([{ role: 'customer', text: 'hi' }])
    assert.notDeepEqual(checkConversation(convo, { missed_opportunities: [0] }), [])
    assert.notDeepEqual(checkConversation(convo, { first_empathy_turn: 0 }), [])
    assert.notDeepEqual(checkOffsets('abc', [{ start: 0, end: 1, text: 'b' }]), [])
  })
})

describe('golden strategies', () => {
  test('one-sentence cases reach the minimum accuracy', () => {
    const misses = []
    for (const kase of strategies.cases) {
      const report = score(kase.text)
      assert.equal(report.strategies.length, 1, kase.text)
      const got = report.strategies[0].strategy
      if (got !== kase.strategy) misses.push(`${kase.strategy} -> ${got}: ${kase.text}`)
    }
    const accuracy = 1 - misses.length / strategies.cases.length
    assert.ok(accuracy >= strategies.min_accuracy, misses.join('\n'))
  })
})
