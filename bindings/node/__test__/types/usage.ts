// Type-checked (never run) by the test suite: `tsc -p __test__/types --noEmit --strict`.
// It uses the package the way a TypeScript bot would, and each
// `@ts-expect-error` proves the types reject a mistake.

import {
  Analyzer,
  analyzeConversation,
  analyzeCustomer,
  pack,
  score,
  scoreReply,
  tokenize,
  type AnalyzerOptions,
  type Category,
  type ConversationReport,
  type CustomerReport,
  type ErrorCode,
  type Flag,
  type Match,
  type MatchSource,
  type MessageReport,
  type ReplySummary,
  type RulePackError,
  type ScoreTerm,
  type TermSource,
  type Token,
  type Turn,
} from 'empathize'

const customer = 'My order is late AGAIN and I’m furious 😡'
const drafts: string[] = ['Per our policy, refunds take 10 business days.', 'I’m so sorry — I’ll refund it today.']

// Single replies.
const alone: MessageReport = score(drafts[0]!)
const answered: MessageReport = score(drafts[1]!, { customer })
const same: MessageReport = scoreReply(customer, drafts[1]!)
const value: number = alone.score + answered.dimensions.followUp + same.epitome.emotionalReactions
const flags: Flag[] = alone.flags
const walled: boolean = flags.includes('policy_wall') || flags.includes('refusal_without_alternative')
const codes: string[] = alone.tips.map((t) => t.code)
const context: number | undefined = answered.context?.distressLevel
const spans: string[] = answered.matches.map((m: Match) => drafts[1]!.slice(m.start, m.end))
const categories: Category[] = answered.matches.filter((m) => !m.negated && !m.suppressed).map((m) => m.category)
const matchIndex: number | null = answered.breakdown[0]!.matchIndex

// Picking the better draft.
const best: string = drafts.reduce((a, b) => (score(a, { customer }).score >= score(b, { customer }).score ? a : b))

// Customers and tokens.
const upset: CustomerReport = analyzeCustomer(customer)
const level: number = upset.distressLevel + upset.emotions.anger
const sources: MatchSource[] = upset.matches.map((m: Match) => m.source)
const learnedText: string[] = upset.matches.filter((m) => m.source === 'learned').map((m) => `${m.rule}=${m.contribution}`)
const distressTerms: ScoreTerm[] = upset.breakdown
const distressLogit: number = distressTerms.reduce((sum, t) => sum + t.value, 0)
const termSources: TermSource[] = distressTerms.map((t) => t.source)
const pointed: Match[] = distressTerms.flatMap((t) => (t.matchIndex === null ? [] : [upset.matches[t.matchIndex]!]))
const tokens: Token[] = tokenize(customer)
const kinds: string[] = tokens.map((t) => t.kind)

// Conversations.
const turns: Turn[] = [
  { role: 'customer', text: customer },
  { role: 'agent', text: drafts[0]!, agentId: 'devon' },
  { role: 'user', text: 'Seriously?', timestamp: 1714557600 },
  { role: 'bot', text: drafts[1]!, agent_id: 'maria', timestamp: '2024-05-01T10:00:00Z' },
]
const convo: ConversationReport = analyzeConversation(turns)
const missed: number[] = convo.missedOpportunities.map((m) => m.customerTurn)
const phrases: string[] = convo.scriptedRepetition.flatMap((r) => (r.count > 1 ? [r.phrase] : []))
const first: number | null = convo.firstEmpathyTurn
const replyScore: number | undefined = convo.turns[1]?.reply?.score
const perAgent: number | undefined = convo.agents[0]?.flags.policy_wall

// The class, options and batches.
const options: AnalyzerOptions = { extraRules: ['[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.8\npatterns = ["aloha"]\n'], disable: [] }
const analyzer = new Analyzer(options)
const batch: MessageReport[] = analyzer.scoreMany(drafts, { customers: drafts.map(() => customer) })
async function later(): Promise<number> {
  const reports: MessageReport[] = await analyzer.scoreManyAsync(drafts)
  return reports.length
}

// Summaries: the same fields without matches, evidence and breakdown.
const brief: ReplySummary = score(drafts[0]!, { customer, summary: true })
const briefs: ReplySummary[] = analyzer.scoreMany(drafts, { customers: drafts.map(() => customer), summary: true })
const replyBrief: ReplySummary = scoreReply(customer, drafts[1]!, { summary: true })
const fullAgain: MessageReport = analyzer.score(drafts[0]!, { summary: false })
const either: MessageReport | ReplySummary = score(drafts[0]!, { summary: drafts.length > 1 })
const briefScores: number[] = [brief.score, replyBrief.dimensions.followUp, ...briefs.map((b) => b.epitome.explorations)]
async function laterBriefs(): Promise<ReplySummary[]> {
  return analyzer.scoreManyAsync(drafts, { summary: true })
}
const strategies: string = pack('esconv-strategies')
const nonCommercial = new Analyzer({ extraRules: [strategies] })
const retagged: string[] = nonCommercial.score('I hope you have a great day.').strategies.map((s) => s.strategy)
const ruleIds: string[] = analyzer.rules().map((r) => `${r.id}@${r.line ?? '?'}:${r.epitome?.[0] ?? '-'}`)

// Errors.
function describeError(err: unknown): string {
  if (err instanceof Error && 'code' in err) {
    const code = (err as Error & { code: ErrorCode }).code
    if (code === 'RULE_PACK') {
      const pack = err as RulePackError
      return `${pack.rule ?? '?'} ${pack.field ?? '?'} ${pack.line ?? '?'}`
    }
    return code
  }
  return String(err)
}

// Mistakes the types catch.
// @ts-expect-error: text must be a string
score(42)
// @ts-expect-error: fields are camelCase
void alone.dimensions.follow_up
// @ts-expect-error: not a flag
void flags.includes('policy-wall')
// @ts-expect-error: a turn needs text
analyzeConversation([{ role: 'customer' }])
// @ts-expect-error: unknown option
void new Analyzer({ extra_rules: '' })
// @ts-expect-error: not a match source
void sources.includes('table')
// @ts-expect-error: pack takes a name
pack()
// @ts-expect-error: the customer breakdown is a list of terms, not a number
const notANumber: number = upset.breakdown
// @ts-expect-error: scoreManyAsync returns a Promise
const notAwaited: MessageReport[] = analyzer.scoreManyAsync(drafts)
// @ts-expect-error: a summary has no matches
void brief.matches
// @ts-expect-error: with summary: true the reports are summaries
const notFull: MessageReport[] = analyzer.scoreMany(drafts, { summary: true })
// @ts-expect-error: summary is a boolean
score(drafts[0]!, { summary: 'yes' })

export const used = [
  value, walled, codes, context, spans, categories, matchIndex, best, level, kinds, missed, phrases,
  first, replyScore, perAgent, batch, later, ruleIds, describeError, notAwaited,
  sources, learnedText, distressLogit, termSources, pointed, retagged, notANumber,
  fullAgain, either, briefScores, laterBriefs, notFull,
]
