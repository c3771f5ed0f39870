// A support bot's reply check: score a draft reply against the customer's
// message, show the flags and the tips, and pick the better of two drafts.
//
//   (cd bindings/node && npm install && npm run build)
//   node examples/node/chatbot.mjs
//   node examples/node/chatbot.mjs "customer message" "draft A" ["draft B"]
//
// In an application, install the packages that scripts/package.sh builds
// (`npm install /path/to/empathize/dist/empathize-*.tgz`: Linux x86_64) or
// depend on bindings/node by path after building it (`"empathize":
// "file:…/bindings/node"`), and import from 'empathize'; this example
// imports the local build by path.

import { Analyzer } from '../../bindings/node/index.js'

// One analyzer per process: the rule pack is compiled once.
const analyzer = new Analyzer()

/** What the bot does before sending: score the draft and explain it. */
function reviewDraft(customer, draft) {
  const report = analyzer.scoreReply(customer, draft)
  const helped = report.matches.filter((m) => m.polarity === 'positive' && !m.negated && !m.suppressed)
  const hurt = report.matches.filter((m) => m.polarity === 'negative')
  return {
    draft,
    score: report.score,
    flags: report.flags,
    tips: report.tips,
    // Offsets are JS string indices, so spans can be highlighted directly.
    helped: helped.map((m) => `${m.category}: “${draft.slice(m.start, m.end)}”`),
    hurt: hurt.map((m) => `${m.category}: “${draft.slice(m.start, m.end)}”`),
    distressLevel: report.context?.distressLevel ?? 0,
  }
}

/** Scores every draft and returns them best first. */
function rankDrafts(customer, drafts) {
  return drafts.map((draft) => reviewDraft(customer, draft)).sort((a, b) => b.score - a.score)
}

function print(review, label) {
  console.log(`${label}  score ${review.score.toFixed(1)}/100`)
  console.log(`  “${review.draft}”`)
  console.log(`  flags: ${review.flags.length ? review.flags.join(', ') : 'none'}`)
  if (review.helped.length) console.log(`  helps: ${review.helped.join('; ')}`)
  if (review.hurt.length) console.log(`  hurts: ${review.hurt.join('; ')}`)
  for (const tip of review.tips) console.log(`  tip [${tip.code}]: ${tip.message}`)
}

const [customerArg, ...draftArgs] = process.argv.slice(2)
const customer =
  customerArg ??
  'I’ve been waiting two weeks for my refund and now my rent payment bounced. This is the third time I’m writing!!'
const drafts = draftArgs.length
  ? draftArgs
  : [
      'Per our policy, refunds take 10 business days. Please wait.',
      'I’m so sorry — a bounced rent payment on top of a two-week wait is really stressful. ' +
        'I’ve pushed your refund through today and I’ll check tomorrow that it has cleared. ' +
        'Is there anything else I can do for you in the meantime?',
    ]

const upset = analyzer.analyzeCustomer(customer)
console.log(`Customer (distress level ${upset.distressLevel}/3${upset.repetition ? ', had to repeat themselves' : ''}):`)
console.log(`  “${customer}”\n`)

const ranked = rankDrafts(customer, drafts)
ranked.forEach((review, i) => {
  print(review, ranked.length === 1 ? 'DRAFT' : i === 0 ? 'BEST ' : `#${i + 1}   `)
  console.log('')
})

const [best, runnerUp] = ranked
if (runnerUp) {
  console.log(`The bot sends the best draft (+${(best.score - runnerUp.score).toFixed(1)} points).`)
}
// A bot would hold back a draft that still scores low, or that carries a
// flag the team never wants to send, and ask for a rewrite instead.
const blocked = ['blame', 'dismissive', 'refusal_without_alternative']
if (best.score < 50 || best.flags.some((f) => blocked.includes(f))) {
  console.log('Even the best draft needs work: rewrite it following the tips above.')
}
