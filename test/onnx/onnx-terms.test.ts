import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { chooseNodeBackend } from '../../helper/backend.js'
import { coreOptions, createOnnxCore } from '../../helper/onnx/onnx-core.js'
import { loadOrt } from '../../helper/onnx/ort-runtime.js'
import { toNchwWeights } from '../../helper/onnx/vgg-nchw.js'
import { loadWeightsFromDir } from '../../helper/weights-dir.js'
import { createTfjsObjective } from '../../models/style-transfer/objective.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { contentTerm, detailTerm, TERMS } from '../../models/style-transfer/terms/index.js'
import type { VggWeights } from '../../models/style-transfer/types.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import { brightnessTerm } from '../support/brightness-term.js'
import { relL2, WEIGHTS_DIR } from '../support/tf.js'
import { imageTensor } from './images.js'

// The ONNX graphs are built from the term list too: a term appended to it (test/support, with its
// own graph value and gradient) gets its inputs, its part and its gradient in the graph, matching
// the tfjs objective built from the same list. The parity of the listed terms themselves is in
// onnx-objective.test.ts.

let weights: VggWeights

before(async () => {
  await chooseNodeBackend('wasm')
  weights = await loadWeightsFromDir(WEIGHTS_DIR)
})

after(() => {
  for (const t of Object.values(weights)) t.dispose()
})

test('a term added to the list is in the ONNX graph and matches the tfjs objective built from the same list', async () => {
  const terms = [...TERMS, brightnessTerm]
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  const core = createOnnxCore(await loadOrt(), await toNchwWeights(weights, 'conv5_1'), {}, terms)
  const content = imageTensor('content/chelsea.png', 36, 52)
  const style = imageTensor('style/shipwreck.jpg', 36, 52)
  const x = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(content, 0.8), 0.15), 0, 1) as tf.Tensor4D)
  const options = resolveOptions({ tvWeight: 2, detailWeight: 3 })
  const plane = async (t: tf.Tensor4D) => ({ data: (await t.data()) as Float32Array, h: t.shape[1], w: t.shape[2] })
  const reference = await createTfjsObjective(vgg, terms)({ content, styles: [style], options })
  const onnx = await core.prepare({ content: await plane(content), styles: [await plane(style)], options: coreOptions(options) })
  try {
    const a = await reference.evaluate(x)
    const b = await onnx.evaluate((await x.data()) as Float32Array)
    assert.deepEqual(Object.keys(b.parts), terms.map((t) => t.name))
    for (const t of terms) {
      const rel = Math.abs(b.parts[t.name]! - a.parts[t.name]!) / Math.abs(a.parts[t.name]!)
      assert.ok(rel < 1e-4, `${t.name}: ${b.parts[t.name]} vs ${a.parts[t.name]}`)
    }
    const err = relL2(b.grad, (await a.grad.data()) as Float32Array)
    assert.ok(err < 1e-3, `gradient relative L2 ${err}`)
    a.grad.dispose()
  } finally {
    onnx.dispose()
    reference.dispose()
    await core.dispose()
    tf.dispose([content, style, x])
    vgg.dispose()
  }
})

// The detail term alone (it reads the pixels): its hand-written ONNX gradient
// through the Laplacian and the pooling against tfjs autodiff, at a size where 4x pooling drops
// rows and columns (38 / 4, 53 / 4) so the unpooling's padding is exercised.
test('the detail term alone: ONNX value and hand-written gradient match tfjs autodiff', async () => {
  // The objectives need one VGG layer: the content term's, weighed 0.
  const terms = [contentTerm, detailTerm]
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  const core = createOnnxCore(await loadOrt(), await toNchwWeights(weights, 'conv5_1'), {}, terms)
  const content = imageTensor('content/chelsea.png', 38, 53)
  const style = imageTensor('style/shipwreck.jpg', 38, 53)
  const x = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(content, 0.5), tf.mul(style, 0.4)), 0, 1) as tf.Tensor4D)
  const options = resolveOptions({ detailWeight: 3, contentWeight: 0 })
  const plane = async (t: tf.Tensor4D) => ({ data: (await t.data()) as Float32Array, h: t.shape[1], w: t.shape[2] })
  const reference = await createTfjsObjective(vgg, terms)({ content, styles: [style], options })
  const onnx = await core.prepare({ content: await plane(content), styles: [await plane(style)], options: coreOptions(options) })
  try {
    const a = await reference.evaluate(x)
    const b = await onnx.evaluate((await x.data()) as Float32Array)
    assert.ok(a.parts.detail! > 0.1, `detail ${a.parts.detail}`)
    assert.ok(Math.abs(b.parts.detail! - a.parts.detail!) < 1e-4 * a.parts.detail!, `${b.parts.detail} vs ${a.parts.detail}`)
    const err = relL2(b.grad, (await a.grad.data()) as Float32Array)
    assert.ok(err < 1e-4, `gradient relative L2 ${err}`)
    a.grad.dispose()
  } finally {
    onnx.dispose()
    reference.dispose()
    await core.dispose()
    tf.dispose([content, style, x])
    vgg.dispose()
  }
})
