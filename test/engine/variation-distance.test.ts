// Variations must differ visibly (issue: "measured pairwise distance between variations at least a
// third of the distance between two different styles' results"). Measured on the real weights
// (tfjs wasm) through the panel's own variation settings, on a thumbnail-level view (4x area
// downscale) so that leftover pixel noise does not count as a difference a designer sees.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { readImageFile } from '../../helper/image-io.js'
import type { StyleTransfer } from '../../models/style-transfer/index.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { DEFAULT_SETTINGS } from '../../plugin/messages.js'
import { settingsToOptions } from '../../ui/run/settings-to-options.js'
import { previewSettings } from '../../ui/run/variation-settings.js'
import { SHARED_IMAGES, wasmEngineWithPair } from '../support/tf.js'

let engine: StyleTransfer
let cat: RgbaImage
let starry: RgbaImage
let shipwreck: RgbaImage
before(async () => {
  ;({ engine, cat, starry } = await wasmEngineWithPair())
  shipwreck = await readImageFile(`${SHARED_IMAGES}style/shipwreck.jpg`, 'Style')
})

/** RMS over RGB (0..255) of the two images' 4x area-downscaled views. */
function thumbnailRms(a: RgbaImage, b: RgbaImage): number {
  const K = 4
  const w = Math.floor(a.width / K)
  const h = Math.floor(a.height / K)
  let sum = 0
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    let d = 0
    for (let j = 0; j < K; j++) for (let i = 0; i < K; i++) {
      const p = ((y * K + j) * a.width + x * K + i) * 4 + c
      d += (a.data[p]! - b.data[p]!) / (K * K)
    }
    sum += d * d
  }
  return Math.sqrt(sum / (w * h * 3))
}

test('Variations differ by at least a third of what another style changes', async (t) => {
  const settings = { ...DEFAULT_SETTINGS, size: 64 }
  const run = async (style: RgbaImage, seed: number): Promise<RgbaImage> =>
    (await engine.stylizeAsync(cat, [style], { ...settingsToOptions(previewSettings(settings, seed), seed), previewEvery: 0 })).image
  const [a, b, other] = [await run(starry, 1), await run(starry, 2), await run(shipwreck, 1)]
  const variations = thumbnailRms(a, b)
  const styles = thumbnailRms(a, other)
  t.diagnostic(`thumbnail RMS: two seeds ${variations.toFixed(1)}, two styles ${styles.toFixed(1)}, ratio ${(variations / styles).toFixed(3)}`)
  // At 96 px with onnx on the three public pairs: 0.41-0.64 with the smooth start noise at 0.15;
  // the white noise at 0.08 used before gave 0.08-0.20. This pair at 64 px: 0.486; with the white
  // noise put back, 0.146 (fails).
  assert.ok(variations > styles / 3, `two seeds ${variations.toFixed(1)} apart, two styles ${styles.toFixed(1)}`)
})
