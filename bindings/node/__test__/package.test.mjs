// The package as a user gets it: require and import from a project that
// depends on it by path, index.d.ts against the runtime, and tsc --strict.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import * as esm from 'empathize'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const cjs = require('empathize')
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
const dts = readFileSync(join(packageDir, 'index.d.ts'), 'utf8')

describe('package.json', () => {
  test('name, version and entry points', () => {
    assert.equal(pkg.name, 'empathize')
    const cargo = readFileSync(join(packageDir, 'Cargo.toml'), 'utf8')
    const workspace = readFileSync(join(packageDir, '../../Cargo.toml'), 'utf8')
    const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1] ?? /^version\s*=\s*"([^"]+)"/m.exec(workspace)?.[1]
    assert.equal(pkg.version, version, 'one version for the crate and the npm package')
    assert.equal(pkg.exports['.'].require, './index.js')
    assert.equal(pkg.exports['.'].import, './index.js')
    assert.equal(pkg.exports['.'].types, './index.d.ts')
    assert.ok(pkg.files.includes('index.js') && pkg.files.includes('index.d.ts') && pkg.files.includes('*.node'))
  })

  test('the loader downloads nothing', () => {
    const loader = readFileSync(join(packageDir, 'index.js'), 'utf8')
    assert.doesNotMatch(loader, /require\(['"](https?|node:https?|node:net)['"]\)|\bfetch\(/)
    assert.match(loader, /empathize\.linux-x64-gnu\.node/)
  })
})

describe('a project that depends on the package by path', () => {
  let project
  before(() => {
    project = mkdtempSync(join(tmpdir(), 'empathize-consumer-'))
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { empathize: `file:${packageDir}` } }),
    )
    execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: project,
      stdio: 'pipe',
      timeout: 120_000,
    })
  })
  after(() => rmSync(project, { recursive: true, force: true }))

  const run = (args) => JSON.parse(execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout: 60_000 }))

  test('require("empathize")', () => {
    const out = run([
      '-e',
      `const e = require('empathize');
       const a = new e.Analyzer();
       console.log(JSON.stringify({ path: require.resolve('empathize'), score: e.score('I am so sorry').score, same: a.score('I am so sorry').score }))`,
    ])
    assert.ok(out.path.endsWith('index.js'))
    assert.ok(out.score > 50)
    assert.equal(out.score, out.same)
  })

  test('import ... from "empathize" (named and default)', () => {
    const out = run([
      '--input-type=module',
      '-e',
      `import empathize, { score, scoreReply, analyzeCustomer, analyzeConversation, tokenize, Analyzer } from 'empathize';
       const a = new Analyzer();
       const reports = await a.scoreManyAsync(['I am so sorry']);
       console.log(JSON.stringify({
         resolved: import.meta.resolve('empathize'),
         named: [score, scoreReply, analyzeCustomer, analyzeConversation, tokenize].every((f) => typeof f === 'function'),
         sameAsDefault: empathize.score === score,
         score: reports[0].score,
       }))`,
    ])
    assert.match(out.resolved, /index\.js$/)
    assert.equal(out.named, true)
    assert.equal(out.sameAsDefault, true)
    assert.ok(out.score > 50)
  })
})

describe('index.d.ts matches the runtime', () => {
  test('require and import expose the same functions', () => {
    for (const name of ['score', 'scoreReply', 'analyzeCustomer', 'analyzeConversation', 'tokenize', 'Analyzer']) {
      assert.equal(esm[name], cjs[name], name)
    }
  })

  test('declared values = exported values', () => {
    const declared = new Set([...dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map((m) => m[1]))
    const exported = new Set(Object.keys(cjs))
    assert.deepEqual([...exported].sort(), [...declared].sort())
  })

  test('declared methods = prototype methods', () => {
    const body = /export declare class Analyzer \{([\s\S]*?)\n\}/.exec(dts)[1]
    const declared = [...body.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).filter((n) => n !== 'constructor')
    const actual = Object.getOwnPropertyNames(cjs.Analyzer.prototype).filter((n) => n !== 'constructor')
    assert.deepEqual(actual.sort(), declared.sort())
  })

  test('declared interface fields = object keys', () => {
    const fields = (name) => {
      const body = new RegExp(`export interface ${name}(?: extends \\w+)? \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1]
      assert.ok(body, `interface ${name} is declared`)
      return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
    }
    const reply = cjs.score('Hi! I’m so sorry, I understand. What happened?', 'I am furious!!!')
    const convo = cjs.analyzeConversation([
      { role: 'customer', text: 'I am furious, my order is lost!' },
      { role: 'agent', text: 'Per our policy, send the form.', agentId: 'devon' },
    ])
    const rules = new cjs.Analyzer().rules()
    let rulePackError
    try {
      new cjs.Analyzer({ rules: '[[rules]]\nid = "x"\ncategory = "apology"\nweight = 1.0\npatterns = ["(x"]\n' })
    } catch (err) {
      rulePackError = err
    }
    const samples = {
      MessageReport: reply,
      Dimensions: reply.dimensions,
      Epitome: reply.epitome,
      SentenceStrategy: reply.strategies[0],
      Match: reply.matches[0],
      ScoreTerm: reply.breakdown[0],
      Tip: cjs.score('Nope.', 'I am furious!!!').tips[0],
      ReplyContext: reply.context,
      CustomerReport: cjs.analyzeCustomer('I am furious!!!'),
      Emotions: cjs.analyzeCustomer('I am furious!!!').emotions,
      ConversationReport: convo,
      TurnReport: convo.turns[1],
      MissedOpportunity: convo.missedOpportunities[0],
      Repetition: { phrase: '', count: 0, turns: [] }, // shape checked in api.test.mjs
      AgentSummary: convo.agents[0],
      Token: cjs.tokenize('hi')[0],
      RuleInfo: rules[0],
      EpitomeEvidence: rules.find((r) => r.epitome !== null)?.epitome,
      RulePackError: Object.fromEntries(Object.entries(rulePackError).concat([['message', '']])),
    }
    for (const [name, sample] of Object.entries(samples)) {
      assert.ok(sample, `a sample of ${name}`)
      const declared = fields(name).filter((f) => f !== 'message')
      const actual = Object.keys(sample).filter((k) => k !== 'message')
      assert.deepEqual(actual.sort(), declared.sort(), name)
    }
  })

  test('every interface has doc comments', () => {
    for (const m of dts.matchAll(/\n(export (?:interface|declare function|declare class) (\w+))/g)) {
      const before = dts.slice(0, m.index + 1).trimEnd()
      assert.ok(before.endsWith('*/'), `${m[2]} has a doc comment`)
    }
  })

  test('a TypeScript program type-checks with tsc --noEmit --strict', () => {
    const tsc = require.resolve('typescript/bin/tsc')
    try {
      execFileSync(process.execPath, [tsc, '-p', join(packageDir, '__test__/types/tsconfig.json'), '--noEmit', '--strict'], {
        encoding: 'utf8',
        timeout: 120_000,
      })
    } catch (err) {
      assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`)
    }
  })
})
