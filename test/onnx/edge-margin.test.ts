import { test } from 'node:test'
import assert from 'node:assert/strict'
import { frameDeviation } from '../../helper/judge/frame-metric.js'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { onnxEngineForFile } from '../support/onnx-engine.js'
import { samplePair, tf } from '../support/tf.js'

/*
 * The border frame (issue 14): without a margin the two outermost lines of a result stray from
 * the content's far more than lines inside do; with the default mirrored margin
 * (style-transfer.ts edgeMarginAt) they stray about as much as inner lines. Measured on the
 * helper's fast path, one 128 px scale of the default objective, the cat / Starry Night pair.
 */
const onnxEngine = onnxEngineForFile()

test('the default margin removes the border frame: the outer lines stray no more than inner ones', async (t) => {
  const node = onnxEngine(t)
  if (node === null) return
  const { cat, starry } = await samplePair()
  const o = { size: 128, minSize: 128, stepsFirst: 100, previewEvery: 0, seed: 0 }
  const frames = async (edgeMargin?: number): Promise<{ border: number; inner: number }> => {
    const r = await node.engine.stylizeAsync(cat, [starry], edgeMargin === undefined ? o : { ...o, edgeMargin })
    const t = tf.tidy(() => resize(rgbTensor(cat), r.image.height, r.image.width))
    const content: RgbaImage = await toRgbaImage(t, null)
    t.dispose()
    // The same statistic 12, 20 and 28 lines in, where no border is: what texture alone gives.
    const inner = [12, 20, 28].map((off) => frameDeviation(r.image, content, off))
    return { border: frameDeviation(r.image, content, 0), inner: Math.max(...inner) }
  }
  const without = await frames(0)
  const withMargin = await frames()
  t.diagnostic(`frame deviation (levels): no margin ${JSON.stringify(without)}, default margin ${JSON.stringify(withMargin)}`)
  assert.ok(without.border > 2 * without.inner, `no margin: the frame shows (${JSON.stringify(without)})`)
  assert.ok(withMargin.border < without.border / 2, `the margin halves it at least (${JSON.stringify(withMargin)} against ${JSON.stringify(without)})`)
  assert.ok(withMargin.border < 1.5 * withMargin.inner, `with the margin the border is like the inside (${JSON.stringify(withMargin)})`)
})
