import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createAdam, createLbfgs, IterateAverage, type Evaluate } from '../../models/style-transfer/optimizers.js'
import { tf, useWasm } from '../support/tf.js'

before(useWasm)

/** Rosenbrock f(a, b) = (1 - a)^2 + 100 (b - a^2)^2 with its analytic gradient. */
const rosenbrock: Evaluate = async (x) => {
  const [a, b] = Array.from(await x.data()) as [number, number]
  const loss = (1 - a) ** 2 + 100 * (b - a * a) ** 2
  const grad = tf.tensor([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
  return { loss, parts: { content: loss }, grad }
}

async function run(stepper: ReturnType<typeof createLbfgs>, start: number[], evaluate: Evaluate, iterations: number): Promise<{ x: number[]; loss: number }> {
  let x: tf.Tensor = tf.tensor(start)
  let loss = Number.POSITIVE_INFINITY
  for (let i = 0; i < iterations; i++) {
    const r = await stepper.step(x, evaluate)
    x.dispose()
    x = r.x
    loss = r.loss
  }
  const out = Array.from(await x.data())
  x.dispose()
  stepper.dispose()
  return { x: out, loss }
}

test('L-BFGS finds the Rosenbrock minimum (1, 1) from (-1.2, 1)', async () => {
  const before = tf.memory().numTensors
  const { x, loss } = await run(createLbfgs(), [-1.2, 1], rosenbrock, 60)
  assert.ok(Math.abs(x[0]! - 1) < 1e-3 && Math.abs(x[1]! - 1) < 1e-3, `ended at ${x.join(', ')}`)
  assert.ok(loss < 1e-6, `loss ${loss}`)
  assert.equal(tf.memory().numTensors, before)
})

test('L-BFGS solves an ill-conditioned quadratic within 30 iterations', async () => {
  // f(x) = 1/2 sum d_i (x_i - c_i)^2, condition number 1000
  const d = [1, 10, 100, 1000]
  const c = [3, -2, 0.5, 1]
  const quadratic: Evaluate = async (x) => {
    const v = Array.from(await x.data())
    const loss = v.reduce((a, xi, i) => a + 0.5 * d[i]! * (xi - c[i]!) ** 2, 0)
    return { loss, parts: { content: loss }, grad: tf.tensor(v.map((xi, i) => d[i]! * (xi - c[i]!))) }
  }
  // A numpy transcription of the same algorithm reaches 1e-8 at iteration 25 (the first step is
  // scaled by 1/|g|_1, so curvature is learnt over the first iterations).
  const { x } = await run(createLbfgs(), [0, 0, 0, 0], quadratic, 30)
  x.forEach((xi, i) => assert.ok(Math.abs(xi - c[i]!) < 1e-4, `x[${i}] = ${xi}, expected ${c[i]}`))
})

test('Adam: the first step moves every coordinate by lr against the gradient sign, clamped to 0..1', async () => {
  const adam = createAdam(0.1)
  const x = tf.tensor([0.5, 0.5, 0.05])
  const evaluate: Evaluate = async () => ({ loss: 1, parts: { content: 1 }, grad: tf.tensor([2, -0.001, 5]) })
  const r = await adam.step(x, evaluate)
  const v = Array.from(await r.x.data())
  // bias-corrected m/sqrt(v) = sign(g) on the first step
  assert.ok(Math.abs(v[0]! - 0.4) < 1e-5 && Math.abs(v[1]! - 0.6) < 1e-3 && v[2] === 0, v.join(', '))
  tf.dispose([x, r.x])
  adam.dispose()
})

test('iterate average is bias-corrected: after one update it equals that iterate', () => {
  const avg = new IterateAverage(0.9)
  const a = tf.tensor([1, 2])
  const b = tf.tensor([3, 4])
  avg.update(a)
  const v1 = avg.value(a)
  assert.deepEqual(Array.from(v1.dataSync()).map((x) => +x.toFixed(5)), [1, 2])
  avg.update(b)
  // (0.9 * 0.1 * a + 0.1 * b) / (1 - 0.81) = (0.09 a + 0.1 b) / 0.19
  const v2 = avg.value(a)
  const want = [(0.09 * 1 + 0.1 * 3) / 0.19, (0.09 * 2 + 0.1 * 4) / 0.19]
  Array.from(v2.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-5))
  avg.reset()
  tf.dispose([a, b, v1, v2])
})
