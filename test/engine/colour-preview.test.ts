// "Keep content colours" (luminance-only transfer): the live previews are recombined with the
// content's chroma exactly as the result is, so the designer does not watch a grey image turn
// into a coloured one at the end.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { StyleTransfer } from '../../models/style-transfer/index.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { wasmEngineWithPair } from '../support/tf.js'

let engine: StyleTransfer
let cat: RgbaImage
let starry: RgbaImage
before(async () => {
  ;({ engine, cat, starry } = await wasmEngineWithPair())
})

/** Mean |I| and |Q| (YIQ chroma, the colour space of the engine's luminance transfer), 0..255 units. */
function meanChroma(img: RgbaImage): [number, number] {
  let i = 0
  let q = 0
  const n = img.width * img.height
  for (let p = 0; p < n; p++) {
    const [r, g, b] = [img.data[p * 4]!, img.data[p * 4 + 1]!, img.data[p * 4 + 2]!]
    i += Math.abs(0.596 * r - 0.274 * g - 0.322 * b) / n
    q += Math.abs(0.211 * r - 0.523 * g + 0.312 * b) / n
  }
  return [i, q]
}

test('keep content colours: every preview carries the content\'s chroma, as the result does', async (t) => {
  const o = { size: 48, minSize: 48, stepsFirst: 10, previewEvery: 5 }
  const previews: RgbaImage[] = []
  const result = await engine.stylizeAsync(cat, [starry], { ...o, color: 'preserve' }, { onPreview: (img) => previews.push(img) })
  // The content at the preview's size, through the engine's own resize (no iterations, colour off).
  const content = (await engine.stylizeAsync(cat, [starry], { ...o, stepsFirst: 0, color: 'off' })).image
  const want = meanChroma(content)
  const got = previews.map(meanChroma)
  t.diagnostic(`mean |I|, |Q|: content ${want.map((v) => v.toFixed(2))}; previews ${got.map((c) => c.map((v) => v.toFixed(2)).join(', ')).join(' / ')}; result ${meanChroma(result.image).map((v) => v.toFixed(2))}`)
  assert.equal(previews.length, 2)
  for (const p of previews) assert.deepEqual([p.width, p.height], [content.width, content.height])
  for (const c of got) {
    for (let k = 0; k < 2; k++) {
      // Measured on wasm (48x32, cat under Starry Night): content 29.65 / 2.14, each preview
      // 29.66 / 2.15 (byte rounding and a few clipped pixels). A grey preview, as before, is 0 / 0.
      assert.ok(Math.abs(c[k]! - want[k]!) < 0.1, `chroma ${c} against the content's ${want}`)
    }
  }
  // The last preview is the result's image before the end of the run: the same chroma.
  assert.deepEqual(Array.from(meanChroma(result.image), (v) => v.toFixed(1)), Array.from(got[1]!, (v) => v.toFixed(1)))
})
