// Errors carry a `code`; wrong types are TypeErrors; bad input never crashes.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Analyzer, analyzeConversation, analyzeCustomer, score, scoreMany, scoreReply, tokenize } from 'empathize'

const analyzer = new Analyzer()

/** Asserts `fn` throws a TypeError with code INVALID_ARG_TYPE naming `what`. */
function throwsType(fn, what) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof TypeError, `expected a TypeError, got ${err?.constructor?.name}: ${err?.message}`)
    assert.equal(err.code, 'INVALID_ARG_TYPE')
    assert.ok(err.message.includes(`\`${what}\``), `message names ${what}: ${err.message}`)
    return true
  })
}

/** Asserts `fn` throws a plain Error with this code. */
function throwsCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error)
    assert.ok(!(err instanceof TypeError), 'not a TypeError')
    assert.equal(err.code, code, err.message)
    if (pattern) assert.match(err.message, pattern)
    return true
  })
}

describe('wrong argument types → TypeError, code INVALID_ARG_TYPE', () => {
  test('module functions', () => {
    throwsType(() => score(), 'text')
    throwsType(() => score(42), 'text')
    throwsType(() => score(null), 'text')
    throwsType(() => score(Buffer.from('sorry')), 'text')
    throwsType(() => score('sorry', { customer: 5 }), 'customer')
    // The old positional context fails with the new form spelled out.
    throwsType(() => score('sorry', 'I am upset'), 'score')
    throwsType(() => scoreMany(['sorry'], ['I am upset']), 'scoreMany')
    throwsType(() => scoreReply(1, 'x'), 'customer')
    throwsType(() => scoreReply('x'), 'reply')
    throwsType(() => analyzeCustomer(['x']), 'text')
    throwsType(() => tokenize(Symbol('x')), 'text')
    throwsType(() => tokenize(10n), 'text')
  })

  test('conversations', () => {
    throwsType(() => analyzeConversation('customer: hi'), 'turns')
    throwsType(() => analyzeConversation({ role: 'customer', text: 'hi' }), 'turns')
    throwsType(() => analyzeConversation([1]), 'turns[0]')
    throwsType(() => analyzeConversation([{ role: 'customer', text: 'hi' }, null]), 'turns[1]')
    throwsType(() => analyzeConversation([{ role: 'customer' }]), 'turns[0].text')
    throwsType(() => analyzeConversation([{ text: 'hi' }]), 'turns[0].role')
    throwsType(() => analyzeConversation([{ role: 1, text: 'hi' }]), 'turns[0].role')
    throwsType(() => analyzeConversation([{ role: 'agent', text: 'hi', agentId: 7 }]), 'turns[0].agentId')
    throwsType(() => analyzeConversation([{ role: 'agent', text: 'hi', agent_id: {} }]), 'turns[0].agent_id')
    throwsType(() => analyzeConversation([{ role: 'agent', text: 'hi', timestamp: {} }]), 'turns[0].timestamp')
  })

  test('the class', () => {
    throwsType(() => new Analyzer(5), 'options')
    throwsType(() => new Analyzer('rules'), 'options')
    throwsType(() => new Analyzer({ rules: 5 }), 'options.rules')
    throwsType(() => new Analyzer({ extraRules: 5 }), 'options.extraRules')
    throwsType(() => new Analyzer({ extraRules: ['[pack]', 1] }), 'options.extraRules[1]')
    throwsType(() => new Analyzer({ disable: 'warmth.hello' }), 'options.disable')
    throwsType(() => analyzer.score(), 'text')
    throwsType(() => analyzer.scoreReply('a', 1), 'reply')
    throwsType(() => analyzer.scoreMany('a'), 'texts')
    throwsType(() => analyzer.scoreMany(['a', 2]), 'texts[1]')
    throwsType(() => analyzer.scoreMany(['a'], { customers: 'b' }), 'customers')
    throwsType(() => analyzer.scoreMany(['a'], { customers: [null] }), 'customers[0]')
    throwsType(() => analyzer.analyzeCustomer(1), 'text')
    throwsType(() => analyzer.analyzeConversation([[]]), 'turns[0]')
    throwsType(() => analyzer.tokenize(), 'text')
  })

  test('scoreManyAsync checks its arguments synchronously', () => {
    throwsType(() => analyzer.scoreManyAsync(5), 'texts')
    throwsType(() => analyzer.scoreManyAsync([1]), 'texts[0]')
  })

  test('absent optional arguments', () => {
    assert.equal(score('Thanks!', { customer: undefined }).context, null)
    assert.equal(score('Thanks!', { customer: null }).context, null)
    assert.equal(analyzer.scoreMany(['Thanks!'], { customers: null }).length, 1)
    assert.ok(new Analyzer(undefined))
    assert.ok(new Analyzer(null))
    assert.ok(new Analyzer({}))
    assert.ok(new Analyzer({ rules: undefined, extraRules: null, disable: undefined }))
  })
})

describe('bad values → Error, code INVALID_ARG', () => {
  test('unknown role', () => {
    throwsCode(() => analyzeConversation([{ role: 'robot', text: 'hi' }]), 'INVALID_ARG', /turns\[0\]\.role.*robot/)
    throwsCode(() => analyzer.analyzeConversation([{ role: 'customer', text: 'a' }, { role: '', text: 'b' }]), 'INVALID_ARG', /turns\[1\]/)
  })

  test('customers and texts of different lengths', async () => {
    throwsCode(() => analyzer.scoreMany(['a', 'b'], { customers: ['c'] }), 'INVALID_ARG', /customers.*1.*texts.*2/)
    await assert.rejects(analyzer.scoreManyAsync(['a', 'b'], { customers: ['c'] }), (err) => {
      assert.equal(err.code, 'INVALID_ARG')
      assert.ok(err instanceof Error)
      return true
    })
  })

  test('unknown option', () => {
    throwsCode(() => new Analyzer({ extra_rules: '' }), 'INVALID_ARG', /extra_rules.*extraRules/)
    throwsCode(() => new Analyzer({ weights: {} }), 'INVALID_ARG', /weights/)
  })
})

const BAD_PATTERN = `
[[rules]]
id = "apology.broken"
category = "apology"
weight = 1.0
patterns = ["i am (so sorry"]
`

describe('malformed rule packs → Error, code RULE_PACK', () => {
  test('names the rule, the field and the line, in the message and as properties', () => {
    assert.throws(() => new Analyzer({ rules: BAD_PATTERN }), (err) => {
      assert.ok(err instanceof Error)
      assert.equal(err.code, 'RULE_PACK')
      assert.equal(err.rule, 'apology.broken')
      assert.equal(err.field, 'patterns')
      assert.equal(err.line, 6)
      assert.equal(err.pack, 'custom')
      assert.equal(typeof err.detail, 'string')
      assert.match(err.message, /apology\.broken/)
      assert.match(err.message, /patterns/)
      assert.match(err.message, /line 6/)
      return true
    })
  })

  test('in an extra pack', () => {
    const good = '[[rules]]\nid = "warmth.aloha"\ncategory = "warmth"\nweight = 0.8\npatterns = ["aloha"]\n'
    assert.throws(() => new Analyzer({ extraRules: [good, BAD_PATTERN] }), (err) => {
      assert.equal(err.code, 'RULE_PACK')
      assert.equal(err.rule, 'apology.broken')
      assert.match(err.pack, /2/)
      return true
    })
    assert.throws(() => new Analyzer({ extraRules: BAD_PATTERN }), { code: 'RULE_PACK', rule: 'apology.broken' })
  })

  test('TOML syntax errors, unknown categories, bad weights', () => {
    for (const pack of [
      '[[rules]\nid = "x"',
      '[[rules]]\nid = "x"\ncategory = "kindness"\nweight = 1.0\npatterns = ["kind"]\n',
      '[[rules]]\nid = "x"\ncategory = "warmth"\nweight = nan\npatterns = ["kind"]\n',
      '[[rules]]\nid = "x"\ncategory = "warmth"\nweight = "heavy"\npatterns = ["kind"]\n',
      '[[rules]]\nid = "x"\ncategory = "warmth"\nweight = 1.0\npatterns = ["<NO_SUCH_LEXICON>"]\n',
    ]) {
      assert.throws(() => new Analyzer({ rules: pack }), (err) => {
        assert.equal(err.code, 'RULE_PACK', `${JSON.stringify(pack)}: ${err.message}`)
        assert.ok('rule' in err && 'field' in err && 'line' in err)
        return true
      })
    }
  })

  test('disabling a rule that does not exist', () => {
    assert.throws(() => new Analyzer({ disable: ['no.such.rule'] }), { code: 'RULE_PACK', rule: 'no.such.rule' })
  })

  test('hostile packs give an analyzer or a RULE_PACK error, never a crash', () => {
    const deep = '('.repeat(5000) + 'sorry' + ')'.repeat(5000)
    const wide = Array.from({ length: 2000 }, (_, i) => `w${i}`).join('|')
    for (const pattern of [deep, `(${wide})`, '*{0,1000000} sorry', 'sorry '.repeat(5000), '', '?', '<>', '\u0000']) {
      const pack = `[[rules]]\nid = "x"\ncategory = "apology"\nweight = 1.0\npatterns = [${JSON.stringify(pattern)}]\n`
      try {
        const custom = new Analyzer({ rules: pack })
        custom.score('I am so sorry')
      } catch (err) {
        assert.equal(err.code, 'RULE_PACK', err.message)
      }
    }
  })
})

describe('any text gets a result', () => {
  const cases = {
    empty: '',
    whitespace: '   \n\t  ',
    control: 'sorry\u0000\u0007 about \u200bthat\u001b[0m',
    junk: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1'),
    emojiWall: '😭'.repeat(20_000),
    punctuation: '!?.'.repeat(1_000),
    oneLongWord: 'a'.repeat(200_000),
    nested: '((((('.repeat(400),
  }
  for (const [name, text] of Object.entries(cases)) {
    test(name, () => {
      const r = score(text, { customer: text })
      assert.ok(r.score >= 0 && r.score <= 100)
      assert.equal(JSON.parse(JSON.stringify(r)).score, r.score)
      analyzeCustomer(text)
      tokenize(text)
      analyzeConversation([{ role: 'customer', text }, { role: 'agent', text }])
    })
  }

  test('a 10 MB message', () => {
    const text = 'The parcel left the depot on Monday and the tracking number is 1Z999. '.repeat(150_000) + 'I’m so sorry 😭'
    assert.ok(text.length > 10_000_000)
    const r = score(text)
    const m = r.matches.at(-1)
    assert.equal(m?.text, 'I’m so sorry')
    assert.equal(text.slice(m.start, m.end), m.text)
    assert.equal(r.strategies.at(-1).end, text.length)
  })
})

// SPEC (Bad input): "never a crash, hang or quadratic blow-up. Time is linear
// in input size." This is the core's promise, checked here through the API:
// 4× the input must cost far less than 16× the time. As in the Rust suite
// (crates/empathize/tests/hostile.rs), the time is CPU time, so time spent
// descheduled on a loaded machine does not count, and the two sizes run in
// alternation, seven times each, keeping the best of each, so what noise is
// left hits both alike.
describe('time is linear in input size', () => {
  const cpuMs = (fn) => {
    const before = process.cpuUsage()
    fn()
    const used = process.cpuUsage(before)
    return (used.user + used.system) / 1000
  }
  const shapes = {
    prose: (n) => 'I’m so sorry, I understand how frustrating that is. '.repeat(n),
    punctuationRun: (n) => '!?.'.repeat(n),
    openParens: (n) => '('.repeat(2 * n),
    emoji: (n) => '😭🙏 '.repeat(n),
  }
  for (const [name, make] of Object.entries(shapes)) {
    test(name, () => {
      const small = make(2_000)
      const large = make(8_000)
      score(small) // warm-up
      let [bestSmall, bestLarge] = [Infinity, Infinity]
      for (let i = 0; i < 7; i++) {
        bestSmall = Math.min(bestSmall, cpuMs(() => score(small)))
        bestLarge = Math.min(bestLarge, cpuMs(() => score(large)))
      }
      const ratio = bestLarge / Math.max(bestSmall, 0.05)
      assert.ok(
        ratio < 9,
        `4× the input took ${ratio.toFixed(1)}× the time (${bestSmall.toFixed(2)} → ${bestLarge.toFixed(2)} ms CPU; quadratic would be 16×)`,
      )
    })
  }
})
