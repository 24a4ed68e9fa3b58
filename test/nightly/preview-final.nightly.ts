import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { before, test } from 'node:test'
import { writePngFile } from '../../helper/image-io.js'
import { DEFAULT_SETTINGS, type Settings } from '../../plugin/settings.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { settingsToOptions } from '../../ui/run/settings-to-options.js'
import { edgeCorrelation } from '../../helper/judge/structure-metrics.js'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import * as tf from '@tensorflow/tfjs-core'
import { histogramDistance, neighbourEnergy, viewOf } from '../support/image-compare.js'
import { vggStyleDistance } from '../support/style-stats.js'
import { ARTIFACTS } from '../support/artifacts.js'
import { onnxEngineForFile } from '../support/onnx-engine.js'
import { samplePair } from '../support/tf.js'

/*
 * Issue #5, "preview equals final": the same slider values at a 256 px preview and at a 512 px
 * result give the same look. The result is area-downscaled to the preview's size and compared
 * there: VGG style statistics (Gram distance), colour histograms, and fine detail (neighbour
 * energy, which the smoothness slider moves). Runs on onnx (the helper's fast path), the panel's
 * Quick preset, settings mapped by the panel's own settingsToOptions. 256 -> 1024 costs minutes
 * per run here; it was measured once by hand (see the issue's closing note), not in CI.
 * The pairs are saved to test-artifacts/preview-final-*.png.
 */

const PREVIEW = 256
const FINAL = 512
const SEED = 1

const CASES: Array<[string, Partial<Settings>]> = [
  ['default', {}],
  ['smoothness 1', { smoothness: 1 }],
  ['strength 0.2', { strength: 0.2 }],
  ['texture scale 2', { styleScale: 2 }],
  // The default keeps details (the detail term at weight 3, terms/detail.ts); its two ends too.
  ['keep details off', { details: 0 }],
  ['keep details 1', { details: 1 }]
]
const DETAIL_CASES = [4, 0, 5] as const

const onnxEngine = onnxEngineForFile()
before(async () => { await mkdir(ARTIFACTS, { recursive: true }) })

test(`a ${FINAL} px result seen at ${PREVIEW} px looks like the ${PREVIEW} px preview of the same settings`, async (t) => {
  const node = onnxEngine(t)
  if (node === null) return
  const { engine } = node
  const { cat, starry } = await samplePair()
  // The content at an image's own size (the engine's rounding and viewOf's may differ by a pixel).
  const edgesOf = async (img: RgbaImage): Promise<number> => {
    const t = tf.tidy(() => resize(rgbTensor(cat), img.height, img.width))
    try { return edgeCorrelation(img, await toRgbaImage(t, null)) } finally { t.dispose() }
  }
  const run = async (settings: Partial<Settings>, size: number): Promise<RgbaImage> =>
    (await engine.stylizeAsync(cat, [starry], settingsToOptions({ ...DEFAULT_SETTINGS, quality: 'draft', ...settings, size }, SEED))).image
  const previews: RgbaImage[] = []
  const finals: RgbaImage[] = []
  for (const [name, settings] of CASES) {
    const preview = await run(settings, PREVIEW)
    const final = await run(settings, FINAL)
    previews.push(preview)
    finals.push(await viewOf(final, PREVIEW))
    const slug = name.replace(/[^a-z0-9]+/g, '-')
    await writePngFile(`${ARTIFACTS}/preview-final-${slug}-${PREVIEW}.png`, preview)
    await writePngFile(`${ARTIFACTS}/preview-final-${slug}-${FINAL}.png`, final)
  }
  const energy = (img: RgbaImage): number => neighbourEnergy(img)
  const rows: string[] = []
  const style: number[][] = []
  for (let i = 0; i < CASES.length; i++) {
    const row: number[] = []
    for (let j = 0; j < CASES.length; j++) row.push(await vggStyleDistance(finals[i]!, previews[j]!))
    style.push(row)
    rows.push(`${CASES[i]![0]}: VGG style distance to each preview [${row.map((d) => d.toFixed(3)).join(', ')}], ` +
      `colour histogram distance to its preview ${histogramDistance(finals[i]!, previews[i]!).toFixed(3)}, ` +
      `neighbour energy preview ${energy(previews[i]!).toFixed(0)} final ${energy(finals[i]!).toFixed(0)}`)
  }
  t.diagnostic(rows.join('; '))

  // Strength and texture scale change the style statistics: each final, seen at the preview's
  // size, is nearer its own preview than any other setting's. Measured: default 0.118 against
  // 0.155-0.278; strength 0.2 0.105 against 0.154-0.268; texture scale 2 0.166 against 0.257-0.456.
  for (const i of [0, 2, 3]) {
    const own = style[i]![i]!
    const others = style[i]!.filter((_, j) => j !== i)
    assert.ok(own < Math.min(...others), `${CASES[i]![0]}: its own preview at ${own.toFixed(3)}, another at ${Math.min(...others).toFixed(3)}`)
  }
  // Smoothness changes fine detail rather than the statistics, so it is measured as the share of
  // neighbour energy it leaves: measured 0.80 for the preview and 0.79 for the final. By hand, with
  // Balanced: 0.65 and 0.63 on this pair, 0.64 and 0.645 on astronaut/shipwreck; with the TV on the
  // pixels only (before losses.ts split it) 0.65 and 0.72 on this pair, which 0.04 rejects.
  const ratio = { preview: energy(previews[1]!) / energy(previews[0]!), final: energy(finals[1]!) / energy(finals[0]!) }
  assert.ok(ratio.preview < 0.9, `smoothness 1 removes fine detail in the preview: ${JSON.stringify(ratio)}`)
  assert.ok(Math.abs(ratio.final - ratio.preview) < 0.04, `smoothness removes the same share at both sizes: ${JSON.stringify(ratio)}`)
  // Colours: histogram distance (0 same, 1 disjoint) to its own preview 0.031-0.043 measured;
  // the default preview is 0.046 from the strength 0.2 one and texture scale 2's final 0.073 from
  // the default preview, so 0.06 separates "alike" from "another setting".
  for (let i = 0; i < CASES.length; i++) {
    const d = histogramDistance(finals[i]!, previews[i]!)
    assert.ok(d < 0.06, `${CASES[i]![0]}: colour histograms ${d.toFixed(3)} apart`)
  }
  // "Keep details" moves the structure, not the statistics: the edge correlation with the
  // content (the judge's, helper/judge/structure-metrics.ts) rises from off to default to 1 at
  // both sizes, and the final seen at the preview's size keeps the preview's within 0.1.
  // Measured with the detail term's pooling fixed in pixels of each scale (2x and 4x): off 0.370 /
  // 0.299, default 0.508 / 0.687, 1 0.578 / 0.836 (preview / final), the 512 px final keeping
  // edges one octave finer than its preview; texture scale 2's final was then nearer the
  // default's preview (0.081) than its own (0.087). With the pooling following the size above
  // 256 px (terms/detail.ts DETAIL_VIEW): off 0.370 / 0.299, default 0.508 / 0.452, 1 0.578 /
  // 0.530, and texture scale 2 own 0.200 against 0.217 (2026-12-03, one run, 19 min). With the
  // mirrored margin, style weight 75 and TV 10 (engine 0.4.0): off 0.379 / 0.298, default 0.521 /
  // 0.472, 1 0.573 / 0.517; texture scale 2 own 0.207 against 0.237.
  const edges: Array<{ name: string; preview: number; final: number }> = []
  for (const i of DETAIL_CASES) edges.push({ name: CASES[i]![0], preview: await edgesOf(previews[i]!), final: await edgesOf(finals[i]!) })
  t.diagnostic(`edge correlation with the content: ${edges.map((e) => `${e.name} preview ${e.preview.toFixed(3)} final ${e.final.toFixed(3)}`).join('; ')}`)
  for (let k = 1; k < edges.length; k++) {
    for (const at of ['preview', 'final'] as const) {
      assert.ok(edges[k]![at] > edges[k - 1]![at], `${at}: ${edges[k]!.name} keeps more edges than ${edges[k - 1]!.name}: ${JSON.stringify(edges)}`)
    }
  }
  for (const e of edges) assert.ok(Math.abs(e.final - e.preview) < 0.1, `${e.name}: preview and final keep the same edges: ${JSON.stringify(e)}`)
  // Known and left: the final is crisper at the preview's size than the preview (neighbour energy
  // 1.5-1.8x measured here; the painting itself has about 2.7x the preview's). The later scales
  // take it further toward the style's fine detail. Bounded so that it cannot grow unnoticed.
  for (let i = 0; i < CASES.length; i++) {
    const k = energy(finals[i]!) / energy(previews[i]!)
    assert.ok(k < 2.2, `${CASES[i]![0]}: final ${k.toFixed(2)}x the preview's fine detail`)
  }
})
