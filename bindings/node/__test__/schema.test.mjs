// Every report carries exactly the fields of the core's structs, in camelCase.
//
// tests/schema/reports.json is written by crates/empathize-schema from the
// core's report structs (the Rust suite fails when it is stale and checks
// Rust's serialized reports against it; the Python suite checks the same
// file). Here: the objects JS gets hold those fields, at every level.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { Analyzer, analyzeConversation, analyzeCustomer, score, tokenize } from 'empathize'

const here = dirname(fileURLToPath(import.meta.url))
const schema = JSON.parse(readFileSync(join(here, '../../../tests/schema/reports.json'), 'utf8'))
const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** The struct each field of a struct holds (for the fields that hold structs). */
const NESTED = {
  MessageReport: { dimensions: 'Dimensions', epitome: 'Epitome', evidence: 'Evidence', strategies: 'SentenceStrategy', matches: 'Match', breakdown: 'ScoreTerm', tips: 'Tip', context: 'ReplyContext' },
  ReplySummary: { dimensions: 'Dimensions', epitome: 'Epitome', strategies: 'SentenceStrategy', tips: 'Tip', context: 'ReplyContext' },
  CustomerReport: { emotions: 'Emotions', matches: 'Match', breakdown: 'ScoreTerm' },
  ConversationReport: { breakdown: 'ScoreTerm', turns: 'TurnReport', missedOpportunities: 'MissedOpportunity', scriptedRepetition: 'Repetition', tips: 'Tip', agents: 'AgentSummary' },
  TurnReport: { customer: 'CustomerReport', reply: 'MessageReport' },
}

function walk(value, type, seen) {
  if (value === null) return
  if (Array.isArray(value)) {
    for (const item of value) walk(item, type, seen)
    return
  }
  assert.deepEqual(Object.keys(value).sort(), schema[type].map(camel).sort(), type)
  seen.add(type)
  for (const [field, inner] of Object.entries(NESTED[type] ?? {})) walk(value[field], inner, seen)
}

test('reports hold exactly the schema fields, camelCased', () => {
  const customer = "This is the THIRD time I'm asking!!! My order never arrived and I'm furious."
  const reply = "I'm so sorry, that must be frustrating. I'll send a new one today. Did it arrive?"
  const policy = 'Per our policy, refunds take 10 business days.'
  const seen = new Set()
  walk(score(reply, { customer }), 'MessageReport', seen)
  walk(score(reply, { customer, summary: true }), 'ReplySummary', seen)
  walk(analyzeCustomer(customer), 'CustomerReport', seen)
  const turns = [
    { role: 'customer', text: customer },
    { role: 'agent', text: policy, agentId: 'a1' },
    { role: 'customer', text: 'Unacceptable. I want a manager.' },
    { role: 'agent', text: reply, agentId: 'a2' },
    { role: 'agent', text: policy, agentId: 'a1' },
  ]
  walk(analyzeConversation(turns), 'ConversationReport', seen)
  walk(tokenize(customer), 'Token', seen)
  walk(new Analyzer().rules().slice(0, 5), 'RuleInfo', seen)
  assert.deepEqual([...seen].sort(), Object.keys(schema).sort(), 'a report of every type was checked')
})

test('enum values and map keys stay the core snake_case names', () => {
  const convo = analyzeConversation([
    { role: 'customer', text: 'My order is lost!' },
    { role: 'agent', text: 'Per our policy, send the form.', agentId: 'devon' },
  ])
  assert.ok(Object.keys(convo.agents[0].flags).includes('policy_wall'), JSON.stringify(convo.agents[0].flags))
})
