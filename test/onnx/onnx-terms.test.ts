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
import { detailPools } from '../../models/style-transfer/terms/detail.js'
import { contentTerm, detailTerm, TERMS, type Term } from '../../models/style-transfer/terms/index.js'
import type { StyleTransferOptions, VggWeights } from '../../models/style-transfer/types.js'
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

type Parts = Readonly<Record<string, number>>

/** The tfjs and the ONNX objective from the same terms, evaluated once at x = mix(content, style). */
async function bothAt(terms: readonly Term[], h: number, w: number, options: StyleTransferOptions,
  mix: (content: tf.Tensor4D, style: tf.Tensor4D) => tf.Tensor4D): Promise<{ tfjs: Parts; onnx: Parts; gradErr: number }> {
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  const core = createOnnxCore(await loadOrt(), await toNchwWeights(weights, 'conv5_1'), {}, terms)
  const content = imageTensor('content/chelsea.png', h, w)
  const style = imageTensor('style/shipwreck.jpg', h, w)
  const x = tf.tidy(() => tf.clipByValue(mix(content, style), 0, 1) as tf.Tensor4D)
  const plane = async (t: tf.Tensor4D) => ({ data: (await t.data()) as Float32Array, h: t.shape[1], w: t.shape[2] })
  const reference = await createTfjsObjective(vgg, terms)({ content, styles: [style], options })
  const onnx = await core.prepare({ content: await plane(content), styles: [await plane(style)], options: coreOptions(options) })
  try {
    const a = await reference.evaluate(x)
    const b = await onnx.evaluate((await x.data()) as Float32Array)
    const gradErr = relL2(b.grad, (await a.grad.data()) as Float32Array)
    a.grad.dispose()
    return { tfjs: a.parts, onnx: b.parts, gradErr }
  } finally {
    onnx.dispose()
    reference.dispose()
    await core.dispose()
    tf.dispose([content, style, x])
    vgg.dispose()
  }
}

test('a term added to the list is in the ONNX graph and matches the tfjs objective built from the same list', async () => {
  const terms = [...TERMS, brightnessTerm]
  const r = await bothAt(terms, 36, 52, resolveOptions({ tvWeight: 2, detailWeight: 3 }), (c) => tf.add(tf.mul(c, 0.8), 0.15))
  assert.deepEqual(Object.keys(r.onnx), terms.map((t) => t.name))
  for (const t of terms) {
    const rel = Math.abs(r.onnx[t.name]! - r.tfjs[t.name]!) / Math.abs(r.tfjs[t.name]!)
    assert.ok(rel < 1e-4, `${t.name}: ${r.onnx[t.name]} vs ${r.tfjs[t.name]}`)
  }
  assert.ok(r.gradErr < 1e-3, `gradient relative L2 ${r.gradErr}`)
})

// The detail term alone (it reads the pixels): its hand-written ONNX gradient through the
// Laplacian and the pooling against tfjs autodiff, at sizes where pooling drops rows and columns
// so the unpooling's padding is exercised: 38 x 53 (factors 2 and 4), and 271 x 301, above
// DETAIL_VIEW, where the factors follow the size (2 and 5) and the target is filtered in the graph.
test('the detail term alone: ONNX value and hand-written gradient match tfjs autodiff', async () => {
  for (const [h, w, pools] of [[38, 53, [2, 4]], [271, 301, [2, 5]]] as const) {
    assert.deepEqual(detailPools(h, w), pools)
    // The objectives need one VGG layer: the content term's, weighed 0.
    const r = await bothAt([contentTerm, detailTerm], h, w, resolveOptions({ detailWeight: 3, contentWeight: 0 }),
      (c, s) => tf.add(tf.mul(c, 0.5), tf.mul(s, 0.4)))
    assert.ok(r.tfjs.detail! > 0.1, `${w} x ${h}: detail ${r.tfjs.detail}`)
    assert.ok(Math.abs(r.onnx.detail! - r.tfjs.detail!) < 1e-4 * r.tfjs.detail!, `${w} x ${h}: ${r.onnx.detail} vs ${r.tfjs.detail}`)
    assert.ok(r.gradErr < 1e-4, `${w} x ${h}: gradient relative L2 ${r.gradErr}`)
  }
})
