import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatRoughDuration, LEARN_MIN_PIXEL_ITERATIONS, pixelIterationsOf, SpeedMeter } from '../../helper/server/job-time.js'
import { startServer, TestClient, tiny } from './support.js'
import { checker, gradient } from '../support/tf.js'

async function submit(c: TestClient, id: string, options: object): Promise<void> {
  c.uploadPng(`${id}-c`, gradient(32, 32))
  c.uploadPng(`${id}-s`, checker(32, 32))
  c.send({ type: 'submit', id, content: `${id}-c`, styles: [`${id}-s`], options })
}

test('too many iterations, or an estimated time over the limit, is refused with a sentence before the job starts', { timeout: 120_000 }, async () => {
  // 10 µs per pixel-iteration, configured: the estimates below are exact.
  const s = await startServer({ maxIterations: 5000, maxJobMs: 120_000, msPerPixelIteration: 0.01 })
  const c = new TestClient(s.wsUrl)
  try {
    await c.hello()
    // 32 to 64 px is three scales (32, 45, 64): 4001 + 500 + 500 = 5001 iterations.
    await submit(c, 'many', { size: 64, minSize: 32, stepsFirst: 4001, steps: 500 })
    const many = await c.waitFor('error', (m) => m.id === 'many')
    assert.equal(many.msg.code, 'bad-options')
    assert.equal(many.msg.message, 'This job has 5001 iterations over its 3 scales, more than this helper\'s limit of 5000; choose fewer steps.')
    // One 256x256 scale for 3000 iterations: 196608000 pixel-iterations, 1966 s at 10 µs, 33 min.
    await submit(c, 'slow', { size: 256, minSize: 256, stepsFirst: 3000 })
    const slow = await c.waitFor('error', (m) => m.id === 'slow')
    assert.equal(slow.msg.code, 'bad-options')
    assert.equal(slow.msg.message, 'This job would take about 33 min (196608000 pixel-iterations at 10 µs each), more than this helper\'s limit of 2 min; choose fewer steps or a smaller size.')
    assert.equal(s.stats().running, null)
    // Exactly 5000 iterations: 32² x 4000 + 45² x 500 + 64² x 500 = 7156500 pixel-iterations,
    // 71.6 s, under both limits: it starts (and is canceled, it is long).
    await submit(c, 'edge', { size: 64, minSize: 32, stepsFirst: 4000, steps: 500 })
    assert.equal((await c.waitFor('started', (m) => m.id === 'edge')).msg.total, 5000)
    c.send({ type: 'cancel', id: 'edge' })
    await c.waitFor('canceled', (m) => m.id === 'edge')
    await submit(c, 'small', tiny)
    await c.waitFor('result', (m) => m.id === 'small')
    // Neither a canceled run nor one this small changes the speed the helper goes by.
    const health = await fetch(`${s.url}/health`).then(async (r) => await r.json() as { msPerPixelIteration: number | null })
    assert.equal(health.msPerPixelIteration, 0.01)
    assert.equal(c.errors().length, 2)
  } finally {
    await c.close()
    await s.close()
  }
})

test('the speed meter: configured until a large finished run is measured, then time over pixel-iterations of the measured runs', () => {
  const plan = (side: number, iterations: number) => ({ scales: [{ width: side, height: side, iterations, margin: 0 }], total: iterations })
  assert.equal(pixelIterationsOf({ scales: [{ width: 32, height: 16, iterations: 10, margin: 0 }, { width: 64, height: 32, iterations: 5, margin: 0 }], total: 15 }), 5120 + 10240)
  assert.equal(new SpeedMeter(null).estimateMs(plan(256, 100)), null)
  const m = new SpeedMeter(0.01)
  m.record(plan(32, 100), 50_000) // 102400 pixel-iterations: below LEARN_MIN_PIXEL_ITERATIONS, not measured
  assert.equal(m.msPerPixelIteration, 0.01)
  assert.ok(LEARN_MIN_PIXEL_ITERATIONS > 102_400)
  m.record(plan(1000, 2), 4000) // 2e6 pixel-iterations in 4 s: 2 µs each
  assert.equal(m.msPerPixelIteration, 0.002)
  m.record(plan(1000, 6), 6000) // 8e6 in 10 s together: 1.25 µs
  assert.equal(m.msPerPixelIteration, 0.00125)
  assert.equal(m.estimateMs(plan(2000, 100)), 400_000 * 1.25)
  assert.deepEqual([1_000, 89_000, 90_000, 3_600_000, 9_000_000].map(formatRoughDuration), ['1 s', '89 s', '2 min', '60 min', '2.5 h'])
})
