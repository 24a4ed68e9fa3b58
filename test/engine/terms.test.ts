import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { rgbTensor } from '../../models/style-transfer/image-tensor.js'
import { createTfjsObjective } from '../../models/style-transfer/objective.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { TERMS, type Term } from '../../models/style-transfer/terms/index.js'
import { createTiledObjectiveWith } from '../../models/style-transfer/tiled-objective.js'
import type { Tile } from '../../models/style-transfer/tiles.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import { brightnessTerm } from '../support/brightness-term.js'
import { checker, gradient, realWeights, relL2, tf, useWasm } from '../support/tf.js'

before(useWasm)

// The term list drives the objectives: a term appended to it (one object, test/support) is
// evaluated, reported and differentiated by the one-pass and the tiled objective, with no other
// change. The ONNX side is in test/onnx/onnx-terms.test.ts.
test('a term added to the list is evaluated, reported and differentiated by the one-pass and tiled objectives', async () => {
  const weights = await realWeights()
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  const base = tf.memory().numTensors
  const content = rgbTensor(gradient(32, 32))
  const style = rgbTensor(checker(32, 32))
  const options = resolveOptions({ tvWeight: 3, styleWeight: 10 })
  const inputs = { content, styles: [style], options }
  // Four quadrant cores of tiles that see the whole image: tiled = one pass up to rounding.
  const quadrants = (w: number, h: number): Tile[] => [0, 1].flatMap((j) => [0, 1].map((i) => ({
    x: 0, y: 0, width: w, height: h, coreX: (i * w) / 2, coreY: (j * h) / 2, coreWidth: w / 2, coreHeight: h / 2
  })))
  const x = tf.tidy(() => tf.add(tf.mul(content, 0.6), 0.1) as tf.Tensor4D)
  const xs = await x.data()
  // By hand: 3 * mean((x - 0.5)^2), gradient 2 * 3 (x - 0.5) / N.
  const expected = 3 * Array.from(xs, (v) => (v - 0.5) ** 2).reduce((a, b) => a + b, 0) / xs.length
  const extraGrad = Float32Array.from(xs, (v) => (6 * (v - 0.5)) / xs.length)

  const engines = [
    ['one pass', (terms: readonly Term[]) => createTfjsObjective(vgg, terms)],
    ['tiled', (terms: readonly Term[]) => createTiledObjectiveWith(vgg, quadrants, terms)]
  ] as const
  for (const [name, make] of engines) {
    // Each engine against itself without the term: the other parts and their gradient stay.
    const without = await make(TERMS)(inputs)
    const r0 = await without.evaluate(x)
    const g0 = (await r0.grad.data()) as Float32Array
    const objective = await make([...TERMS, brightnessTerm])(inputs)
    const r = await objective.evaluate(x)
    assert.deepEqual(Object.keys(r.parts), [...TERMS.map((t) => t.name), 'brightness'], name)
    // float32 sums on wasm against float64 here.
    assert.ok(Math.abs(r.parts.brightness! - expected) <= 1e-4 * expected, `${name}: brightness ${r.parts.brightness} vs ${expected}`)
    for (const t of TERMS) assert.ok(Math.abs(r.parts[t.name]! - r0.parts[t.name]!) <= 1e-6 * Math.abs(r0.parts[t.name]!), `${name}: ${t.name}`)
    assert.ok(Math.abs(r.loss - (r0.loss + r.parts.brightness!)) <= 1e-6 * r.loss, `${name}: loss is the sum of the parts`)
    const g = (await r.grad.data()) as Float32Array
    const err = relL2(Float32Array.from(g, (v, i) => v - g0[i]!), extraGrad)
    assert.ok(err < 1e-3, `${name}: the gradient gains the term's own, relative L2 ${err}`)
    tf.dispose([r.grad, r0.grad])
    objective.dispose()
    without.dispose()
  }
  tf.dispose([content, style, x])
  assert.equal(tf.memory().numTensors, base)
  vgg.dispose()
  for (const t of Object.values(weights)) t.dispose()
})
