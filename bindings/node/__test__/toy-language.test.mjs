// A pack for a toy language (tests/packs/toy.toml at the repo root) as the
// only rules: the engine scores, negates, expands contractions and splits
// sentences with nothing but what the pack says. The same checks as
// crates/empathize/tests/toy_language.rs.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'

import { Analyzer } from 'empathize'

const TOY = readFileSync(new URL('../../../tests/packs/toy.toml', import.meta.url), 'utf8')
const zib = new Analyzer({ rules: TOY })

/** `[rule, negated]` of each match of `text`. */
const matches = (text) => zib.score(text).matches.map((m) => [m.rule, m.negated])

describe('a toy language pack', () => {
  test('is the only knowledge', () => {
    assert.deepEqual(zib.rules().map((r) => r.id), ['care.vi', 'apology.soka', 'personalization.for_you'])
  })

  test('scores its words', () => {
    const report = zib.score('soka, vi~')
    assert.ok(report.dimensions.care > 0 && report.dimensions.apology > 0)
    assert.ok(report.score > zib.score('mi~').score)
    assert.deepEqual(matches('^o^'), [['care.vi', false]])
  })

  test('negates with its own negator, within reach and clause', () => {
    const notKind = zib.score('nu vi~')
    assert.deepEqual(matches('nu vi~'), [['care.vi', true]])
    assert.equal(notKind.dimensions.care, 0)
    assert.ok(notKind.score < zib.score('vi~').score)
    assert.deepEqual(matches('nu mi mi vi'), [['care.vi', true]])
    assert.deepEqual(matches('nu mi mi mi vi'), [['care.vi', false]])
    assert.deepEqual(matches('nu mi ba vi'), [['care.vi', false]])
    assert.deepEqual(matches('not vi'), [['care.vi', false]])
  })

  test('expands its contractions', () => {
    const tokens = zib.tokenize("Nuvi, ka'z")
    assert.deepEqual(tokens.map((t) => t.norm), ['nu vi', ',', 'ka zo'])
    assert.ok(tokens[0].negated && !tokens[2].negated)
    assert.deepEqual(matches("nuvi, ka'z"), [['care.vi', true], ['personalization.for_you', false]])
    assert.equal(zib.tokenize("don't")[0].norm, "don't")
  })

  test('splits sentences at its marks, not after its abbreviation', () => {
    const sentences = (text) => zib.tokenize(text).filter((t) => t.kind === 'word').map((t) => t.sentence)
    assert.deepEqual(sentences('soka~ vi~ mi'), [0, 1, 2])
    assert.deepEqual(sentences('soka kp. vi. mi'), [0, 0, 0, 1])
    assert.equal(zib.score('soka~ vi~ mi').strategies.length, 3)
  })

  test('a bad language lexicon names its field and line', () => {
    assert.throws(
      () => new Analyzer({ rules: '[lexicons]\nCONTRACTIONS = ["nuvi nu vi"]\n' }),
      (err) => err instanceof Error && /lexicons\.CONTRACTIONS/.test(err.message) && /line 2/.test(err.message),
    )
  })
})
