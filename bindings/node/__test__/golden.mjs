// Checks of the shared golden cases (tests/golden/), the same rules as the
// Rust and Python suites. Each checker returns a list of failure messages and
// throws on an expect key it does not know, so a typo cannot hide a check.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const goldenDir = fileURLToPath(new URL('../../../tests/golden/', import.meta.url))

/** Reads `tests/golden/<name>`. */
export function loadGolden(name) {
  return JSON.parse(readFileSync(goldenDir + name, 'utf8'))
}

/** The input `key` of a case (`text` or `customer`), repeated `repeat` times. */
export function input(kase, key) {
  const text = kase[key]
  if (typeof text !== 'string') return undefined
  const repeat = kase.repeat ?? 1
  return repeat > 1 ? Array(repeat).fill(text).join(' ') : text
}

export class UnknownKeyError extends Error {}

const unknown = (key, what) => {
  throw new UnknownKeyError(`unknown expect key \`${key}\` for ${what}`)
}

/** `text.slice(m.start, m.end) === m.text` for every match. */
export function checkOffsets(text, matches) {
  const failures = []
  for (const m of matches) {
    if (text.slice(m.start, m.end) !== m.text) {
      failures.push(`offsets: ${m.start}..${m.end} slice ${JSON.stringify(text.slice(m.start, m.end))}, not ${JSON.stringify(m.text)}`)
    }
  }
  return failures
}

/** The JS field name of a snake_case report key (`follow_up` → `followUp`). */
export const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

function bounds(failures, key, have, want, cmp) {
  for (const [name, bound] of Object.entries(want)) {
    const value = have[camel(name)]
    if (typeof value !== 'number') failures.push(`${key}: unknown name ${name}`)
    else if (!cmp(value, bound)) failures.push(`${key}: ${name} = ${value}, bound ${bound}`)
  }
}

/** Checks a reply report against a case's `expect`. */
export function checkReply(report, expect) {
  const failures = []
  const counted = report.matches.filter((m) => !m.negated && !m.suppressed).map((m) => m.category)
  for (const [key, want] of Object.entries(expect)) {
    const fail = (msg) => failures.push(`${key}: ${msg}`)
    switch (key) {
      case 'score_min':
        if (report.score < want) fail(`score ${report.score.toFixed(1)} < ${want}`)
        break
      case 'score_max':
        if (report.score > want) fail(`score ${report.score.toFixed(1)} > ${want}`)
        break
      case 'flags_include':
        for (const f of want) if (!report.flags.includes(f)) fail(`missing flag ${f} (have ${JSON.stringify(report.flags)})`)
        break
      case 'flags_exclude':
        for (const f of want) if (report.flags.includes(f)) fail(`unexpected flag ${f}`)
        break
      case 'dimensions_min':
        bounds(failures, key, report.dimensions, want, (v, b) => v >= b)
        break
      case 'dimensions_max':
        bounds(failures, key, report.dimensions, want, (v, b) => v <= b)
        break
      case 'tips_include': {
        const codes = report.tips.map((t) => t.code)
        for (const t of want) if (!codes.includes(t)) fail(`missing tip ${t} (have ${JSON.stringify(codes)})`)
        break
      }
      case 'tips_exclude': {
        const codes = report.tips.map((t) => t.code)
        for (const t of want) if (codes.includes(t)) fail(`unexpected tip ${t}`)
        break
      }
      case 'categories_include':
        for (const c of want) if (!counted.includes(c)) fail(`no counted match of ${c} (have ${JSON.stringify(counted)})`)
        break
      case 'categories_exclude':
        for (const c of want) if (counted.includes(c)) fail(`unexpected counted match of ${c}`)
        break
      case 'negated_include':
        for (const c of want) {
          if (!report.matches.some((m) => m.negated && m.category === c)) fail(`no negated match of ${c}`)
        }
        break
      case 'epitome_min':
        bounds(failures, key, report.epitome, want, (v, b) => v >= b)
        break
      case 'epitome_max':
        bounds(failures, key, report.epitome, want, (v, b) => v <= b)
        break
      case 'max_matches':
        if (report.matches.length > want) fail(`${report.matches.length} matches > ${want}`)
        break
      default:
        unknown(key, 'a reply')
    }
  }
  // The score is re-derivable from its breakdown.
  const logit = report.breakdown.reduce((sum, t) => sum + t.value, 0)
  const rederived = 100 / (1 + Math.exp(-logit))
  if (Math.abs(rederived - report.score) > 0.01) {
    failures.push(`score ${report.score} is not 100·σ(Σ breakdown) = ${rederived}`)
  }
  return failures
}

/** Checks a customer report against a case's `expect`. */
export function checkCustomer(report, expect) {
  const failures = []
  for (const [key, want] of Object.entries(expect)) {
    const fail = (msg) => failures.push(`${key}: ${msg}`)
    switch (key) {
      case 'distress_level':
        if (report.distressLevel !== want) fail(`level ${report.distressLevel} (distress ${report.distress}) != ${want}`)
        break
      case 'distress_level_min':
        if (report.distressLevel < want) fail(`level ${report.distressLevel} (distress ${report.distress}) < ${want}`)
        break
      case 'emotions_min':
        bounds(failures, key, report.emotions, want, (v, b) => v >= b)
        break
      case 'escalation':
      case 'repetition':
      case 'complaint':
        if (report[key] !== want) fail(`${key} is ${report[key]}`)
        break
      default:
        unknown(key, 'a customer message')
    }
  }
  return failures
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i])

/** Checks a conversation report against a case's `expect`. */
export function checkConversation(report, expect) {
  const failures = []
  const missed = report.missedOpportunities.map((m) => m.customerTurn)
  for (const [key, want] of Object.entries(expect)) {
    const fail = (msg) => failures.push(`${key}: ${msg}`)
    switch (key) {
      case 'late_empathy':
        if (report.lateEmpathy !== want) fail(`lateEmpathy is ${report.lateEmpathy}`)
        break
      case 'missed_opportunities':
        if (!sameList(missed, want)) fail(`missed ${JSON.stringify(missed)}`)
        break
      case 'missed_opportunities_include':
        for (const t of want) if (!missed.includes(t)) fail(`turn ${t} not missed (missed ${JSON.stringify(missed)})`)
        break
      case 'first_distress_turn':
        if (report.firstDistressTurn !== want) fail(`${report.firstDistressTurn}`)
        break
      case 'first_empathy_turn':
        if (report.firstEmpathyTurn !== want) fail(`${report.firstEmpathyTurn}`)
        break
      case 'empathy_latency_min':
        if (report.empathyLatency === null || report.empathyLatency < want) fail(`${report.empathyLatency}`)
        break
      case 'scripted_repetition_include': {
        const phrases = report.scriptedRepetition.map((r) => r.phrase)
        for (const p of want) if (!phrases.includes(p)) fail(`\`${p}\` not reported (have ${JSON.stringify(phrases)})`)
        break
      }
      case 'question_streak_min':
        if (report.questionStreak < want) fail(`${report.questionStreak}`)
        break
      case 'question_streak_max':
        if (report.questionStreak > want) fail(`${report.questionStreak}`)
        break
      case 'resolution_confirmed':
        if (report.resolutionConfirmed !== want) fail(`${report.resolutionConfirmed}`)
        break
      case 'score_min':
        if (report.score < want) fail(`${report.score.toFixed(1)}`)
        break
      case 'score_max':
        if (report.score > want) fail(`${report.score.toFixed(1)}`)
        break
      case 'flags_include': {
        const seen = report.turns.flatMap((t) => (t.reply ? t.reply.flags : []))
        for (const f of want) if (!seen.includes(f)) fail(`flag ${f} never raised`)
        break
      }
      case 'tips_include': {
        const codes = report.tips.map((t) => t.code)
        for (const t of want) if (!codes.includes(t)) fail(`missing tip ${t} (have ${JSON.stringify(codes)})`)
        break
      }
      default:
        unknown(key, 'a conversation')
    }
  }
  return failures
}
