// scoreManyAsync runs off the main thread and agrees with scoreMany.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Analyzer, score } from 'empathize'

const analyzer = new Analyzer()

const REPLIES = [
  'I’m so sorry about the double charge — I understand how frustrating that is. I’ve refunded it.',
  'Per our policy, refunds take 10 business days.',
  'Nope.',
  'Hi Maria, thanks for reaching out! Happy to help with that. Have a lovely day!',
  'Can you tell me a bit more about what happened? What would work best for you?',
  'Calm down. As I said, that’s not our department.',
  '😭 我很抱歉 I’m so sorry',
  '',
]

describe('scoreManyAsync', () => {
  test('returns a Promise of the same reports as scoreMany, in order', async () => {
    const promise = analyzer.scoreManyAsync(REPLIES)
    assert.ok(promise instanceof Promise)
    const reports = await promise
    assert.deepEqual(reports, analyzer.scoreMany(REPLIES))
    assert.deepEqual(reports, REPLIES.map((r) => score(r)))
  })

  test('with customer messages', async () => {
    const customers = REPLIES.map((_, i) => (i % 2 ? 'I’m furious, this is the THIRD time!!!' : 'Quick question about my order.'))
    const reports = await analyzer.scoreManyAsync(REPLIES, { customers })
    assert.deepEqual(reports, analyzer.scoreMany(REPLIES, { customers }))
    reports.forEach((r, i) => assert.deepEqual(r, analyzer.scoreReply(customers[i], REPLIES[i])))
    assert.ok(reports.every((r) => r.context !== null))
  })

  test('empty batch', async () => {
    assert.deepEqual(await analyzer.scoreManyAsync([]), [])
    assert.deepEqual(analyzer.scoreMany([]), [])
  })

  test('many concurrent calls', async () => {
    const all = await Promise.all(Array.from({ length: 16 }, () => analyzer.scoreManyAsync(REPLIES)))
    for (const reports of all) assert.equal(reports.length, REPLIES.length)
  })

  test('the event loop keeps ticking while 200k texts are scored', async () => {
    const texts = Array.from({ length: 200_000 }, (_, i) => REPLIES[i % REPLIES.length] + ` #${i}`)
    let ticks = 0
    let scoring = true
    const timer = setInterval(() => {
      if (scoring) ticks++
    }, 5)
    try {
      const started = performance.now()
      const promise = analyzer.scoreManyAsync(texts)
      // The call itself only copies the strings; scoring has not blocked us.
      const copied = performance.now() - started
      const reports = await promise
      scoring = false
      const elapsed = performance.now() - started
      assert.equal(reports.length, texts.length)
      assert.equal(reports[123_457].matches.length, score(texts[123_457]).matches.length)
      assert.ok(
        ticks >= 3,
        `the timer fired ${ticks} times in ${elapsed.toFixed(0)} ms (copy ${copied.toFixed(0)} ms)`,
      )
    } finally {
      clearInterval(timer)
    }
  })
})
