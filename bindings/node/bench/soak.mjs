// Leak check of the Node binding: a million calls, RSS at checkpoints.
//
//   node --expose-gc bench/soak.mjs [--calls 1000000] [--json] [--max-growth-mb 20]
//
// The calls cycle through `score` (reading the report), `scoreReply`,
// `scoreMany` (16 texts, one call), `scoreManyAsync` (awaited), each of them
// also with `{ summary: true }` (ReplySummary reports),
// `analyzeCustomer`, `analyzeConversation`, `tokenize`, the module functions,
// and three errors thrown and caught: a wrong type (TypeError
// INVALID_ARG_TYPE), a bad value (INVALID_ARG) and a malformed rule pack
// (RULE_PACK). Texts are the EPITOME pairs of ../shared/data when present,
// else a built-in mix; lone surrogates are mixed in (napi replaces them).
//
// RSS (process.memoryUsage.rss) is read every tenth of the run, after a full
// GC when run with --expose-gc; the growth is measured from the checkpoint
// that ends the first tenth (the warm-up). With --max-growth-mb the script
// exits 1 when the growth exceeds it (the short CI variant in
// __test__/soak.test.mjs).

import { parseArgs } from 'node:util'

import { Analyzer, analyzeCustomer, score } from 'empathize'

import { DEFAULT_DATA, loadPairs } from './corpus.mjs'

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    json: { type: 'boolean', default: false },
    'max-growth-mb': { type: 'string' },
    data: { type: 'string', default: DEFAULT_DATA },
  },
})

const FALLBACK = [
  ['My order is late AGAIN and I’m furious 😡', 'I’m so sorry, I understand how frustrating that is. I’ll fix it today.'],
  ['Where is my refund???', 'Per our policy, refunds take 10 business days.'],
  ['I’m in tears, this was a gift 😭', 'Nope.'],
  ['', 'Hi Maria, thanks for reaching out! Does that work for you? 🙏'],
]
const BAD_PACK = '[[rules]]\nid = "broken"\ncategory = "apology"\nweight = 1.0\npatterns = ["(so sorry"]\n'

const rssMb = () => {
  globalThis.gc?.()
  return process.memoryUsage.rss() / 2 ** 20
}

async function soak(calls, pairs, progress) {
  const analyzer = new Analyzer()
  const batch = pairs.slice(0, 16).map(([, reply]) => reply)
  const checkpoint = Math.max(Math.floor(calls / 10), 1)
  const points = [[0, rssMb()]]
  let baseline = null
  let sink = 0
  let done = 0
  const started = performance.now()
  let nextCheckpoint = checkpoint
  for (let i = 0; done < calls; i++) {
    const [customer, reply] = pairs[i % pairs.length]
    switch (i % 16) {
      case 0:
      case 1:
      case 2: {
        const r = analyzer.score(reply)
        sink += r.score + r.matches.length + r.tips.length + r.dimensions.apology
        break
      }
      case 3: {
        const s = analyzer.score(reply, { customer, summary: true })
        sink += s.score + s.flags.length + s.tips.length + s.dimensions.apology
        break
      }
      case 4:
      case 5:
        sink += analyzer.scoreReply(customer, reply, { summary: i % 16 === 5 }).score
        break
      case 6:
        sink += analyzer.scoreMany(batch, { summary: (i >> 4) % 2 === 1 }).reduce((n, r) => n + r.score, 0)
        break
      case 7:
        sink += (await analyzer.scoreManyAsync(batch, { customers: batch, summary: (i >> 4) % 2 === 1 })).length
        break
      case 8:
        sink += analyzer.analyzeCustomer(customer).distress
        break
      case 9: {
        const c = analyzer.analyzeConversation([
          { role: 'customer', text: customer },
          { role: 'agent', text: reply, agentId: 'a1' },
          { role: 'customer', text: 'I already told you, third time!!!' },
          { role: 'agent', text: pairs[(i + 1) % pairs.length][1], agentId: 'a2' },
        ])
        sink += c.score + c.turns.length
        break
      }
      case 10:
        sink += analyzer.tokenize(reply).length
        break
      case 11:
        sink += score(`${reply.slice(0, 20)}\uD800${reply.slice(20)}`, { customer }).score
        break
      case 12:
        try {
          analyzer.scoreMany([reply, 42])
        } catch (err) {
          if (err.code === 'INVALID_ARG_TYPE') sink += 1
        }
        break
      case 13:
        try {
          analyzer.scoreMany([reply, reply], { customers: [customer] })
        } catch (err) {
          if (err.code === 'INVALID_ARG') sink += 1
        }
        break
      case 14:
        try {
          new Analyzer({ rules: BAD_PACK })
        } catch (err) {
          if (err.code === 'RULE_PACK') sink += 1
        }
        break
      default:
        sink += analyzeCustomer(reply).distress
    }
    done++
    if (done >= nextCheckpoint) {
      const rss = rssMb()
      points.push([done, rss])
      baseline ??= rss
      progress(done, rss, (performance.now() - started) / 1000)
      nextCheckpoint += checkpoint
    }
  }
  return {
    language: 'node',
    calls: done,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    rss_mb: points.map(([n, mb]) => [n, Number(mb.toFixed(1))]),
    growth_after_warm_up_mb: Number((points.at(-1)[1] - (baseline ?? points.at(-1)[1])).toFixed(2)),
    gc_between_checkpoints: typeof globalThis.gc === 'function',
    checksum: Math.round(sink),
  }
}

const calls = Number(opts.calls)
const pairs = loadPairs(opts.data) ?? FALLBACK
const result = await soak(calls, pairs, (done, rss, seconds) => {
  if (!opts.json) console.log(`${String(done).padStart(9)} calls  RSS ${rss.toFixed(1).padStart(7)} MB  (${seconds.toFixed(1)} s)`)
})
if (opts.json) console.log(JSON.stringify(result))
else {
  console.log(
    `${result.calls} calls in ${result.seconds.toFixed(1)} s; RSS growth after warm-up (${Math.floor(calls / 10)} calls): ${result.growth_after_warm_up_mb >= 0 ? '+' : ''}${result.growth_after_warm_up_mb.toFixed(2)} MB`,
  )
}
const limit = opts['max-growth-mb']
if (limit !== undefined && result.growth_after_warm_up_mb > Number(limit)) {
  console.error(`RSS grew ${result.growth_after_warm_up_mb.toFixed(1)} MB > ${limit} MB`)
  process.exit(1)
}
