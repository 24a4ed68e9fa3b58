/**
 * `npm run judge -- --content C --style S --result R`: the quality judge's numbers for one result.
 * `npm run judge -- --bench [--size 256] [--preset balanced] [--pairs diagonal|all] [--set k=v ...]`:
 * stylises the public pairs in ../shared/images with the engine and judges each result.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { resolveOptions } from '../../models/style-transfer/index.js'
import type { RgbaImage, StyleTransferOptions } from '../../models/style-transfer/types.js'
import { chooseNodeBackend, createNodeEngine, type NodeBackend } from '../backend.js'
import { describeError } from '../describe-error.js'
import { readImageFile, writePngFile } from '../image-io.js'
import { createJudge, type Verdict } from '../judge/judge.js'
import { PRESETS, PRESET_NAMES, presetNamed } from '../../models/style-transfer/presets.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'
import { findTorchPython } from '../bench/torch-python.js'
import { runReferenceGatys } from '../judge/reference-run.js'
import { sideBySide } from '../judge/side-by-side.js'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import * as tf from '@tensorflow/tfjs-core'
import { formatDuration } from './progress-bar.js'

const IMAGES = fileURLToPath(new URL('../../../shared/images/', import.meta.url))
const CONTENTS = ['astronaut.png', 'chelsea.png', 'coffee.png']
const STYLES = ['starry_night.jpg', 'shipwreck.jpg', 'gravel.png']

const USAGE = `usage: npm run judge -- --content C --style S --result R
       npm run judge -- --bench [--size 256] [--preset balanced] [--pairs diagonal|all]
                        [--set option=value ...] [--backend NAME] [--out-dir DIR] [--weights DIR]
                        [--reference [--reference-steps 200]]
--bench stylises the public pairs (../shared/images; diagonal: astronaut x starry_night,
chelsea x shipwreck, coffee x gravel; all: every content with every style) and judges each.
--reference adds a reference Gatys run per pair where a python3 with torch exists
(helper/bench/gatys-reference.py: jcjohnson's objective, L-BFGS from the content).
--out-dir writes each result (and reference) and side-by-side.png: content | style | result
(| reference), one row per pair.`

const header = '| pair | style drop | style dist. | content dist. | SSIM | edge corr. | frame |'
const rule = '| --- | --- | --- | --- | --- | --- | --- |'
const row = (name: string, v: Verdict): string =>
  `| ${name} | ${v.styleDrop.toFixed(3)} | ${v.styleDistance.toFixed(3)} | ${v.contentDistance.toFixed(3)} | ${v.ssim.toFixed(3)} | ${v.edgeCorrelation.toFixed(3)} | ${v.frame.toFixed(1)} |`

function mean(vs: readonly Verdict[]): Verdict {
  const m = (k: keyof Verdict): number => vs.reduce((s, v) => s + v[k], 0) / vs.length
  return { styleDrop: m('styleDrop'), styleDistance: m('styleDistance'), contentDistance: m('contentDistance'), ssim: m('ssim'), edgeCorrelation: m('edgeCorrelation'), frame: m('frame') }
}

/** `--set tvWeight=2` -> { tvWeight: 2 }; numbers where they parse, strings otherwise. */
function parseSets(sets: readonly string[]): Partial<StyleTransferOptions> {
  const out: Record<string, unknown> = {}
  for (const s of sets) {
    const eq = s.indexOf('=')
    if (eq <= 0) throw new RangeError(`--set: expected option=value, got ${JSON.stringify(s)}`)
    const raw = s.slice(eq + 1)
    out[s.slice(0, eq)] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw
  }
  return out as Partial<StyleTransferOptions>
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string' }, style: { type: 'string' }, result: { type: 'string' },
      bench: { type: 'boolean' }, size: { type: 'string' }, preset: { type: 'string' }, pairs: { type: 'string' },
      set: { type: 'string', multiple: true }, backend: { type: 'string' }, 'out-dir': { type: 'string' },
      weights: { type: 'string' }, reference: { type: 'boolean' }, 'reference-steps': { type: 'string' }, help: { type: 'boolean' }
    }
  })
  if (values.help === true) { console.log(USAGE); return 0 }
  const choice = await chooseNodeBackend(values.backend as NodeBackend | undefined)
  const weights = await loadWeightsFromDir(values.weights === undefined ? DEFAULT_WEIGHTS_DIR : resolve(values.weights))
  const judge = createJudge(weights)
  try {
    if (values.bench !== true) {
      if (values.content === undefined || values.style === undefined || values.result === undefined) throw new RangeError('give --content, --style and --result (or --bench)')
      const [c, s, r] = await Promise.all([readImageFile(values.content, 'Content'), readImageFile(values.style, 'Style'), readImageFile(values.result, 'Result')])
      console.log([header, rule, row(values.result, await judge.judge(c, s, r))].join('\n'))
      return 0
    }
    const preset = presetNamed(values.preset ?? 'standard')
    if (preset === null) throw new RangeError(`--preset: expected ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(values.preset)}`)
    const options: Partial<StyleTransferOptions> = { ...PRESETS[preset], size: Number(values.size ?? 256), ...parseSets(values.set ?? []) }
    const resolved = resolveOptions(options)
    const pairs = values.pairs === 'all'
      ? CONTENTS.flatMap((c) => STYLES.map((s) => [c, s] as const))
      : CONTENTS.map((c, i) => [c, STYLES[i] as string] as const)
    const { engine, description, dispose } = await createNodeEngine(choice, weights, { tile: null })
    console.error(`engine: ${description}; ${resolved.size} px, preset ${preset}${values.set === undefined ? '' : `, ${values.set.join(' ')}`}`)
    const outDir = values['out-dir'] === undefined ? null : resolve(values['out-dir'])
    if (outDir !== null) mkdirSync(outDir, { recursive: true })
    const python = values.reference === true ? findTorchPython() : null
    if (values.reference === true && python === null) console.error('reference run skipped: no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)')
    const referenceSteps = Number(values['reference-steps'] ?? 200)
    const weightsDir = values.weights === undefined ? DEFAULT_WEIGHTS_DIR : resolve(values.weights)
    const verdicts: Verdict[] = []
    const references: Verdict[] = []
    const lines = [header, rule]
    // With --out-dir: one row per pair (content and style at the result's height, the result, the
    // reference) in side-by-side.png.
    const sheet: RgbaImage[][] = []
    try {
      for (const [c, s] of pairs) {
        const content: RgbaImage = await readImageFile(join(IMAGES, 'content', c), 'Content')
        const style: RgbaImage = await readImageFile(join(IMAGES, 'style', s), 'Style')
        const t0 = performance.now()
        const result = await engine.stylizeAsync(content, [style], options)
        const name = `${c.replace(/\.\w+$/, '')} x ${s.replace(/\.\w+$/, '')}`
        const v = await judge.judge(content, style, result.image)
        verdicts.push(v)
        lines.push(row(name, v))
        console.error(`${row(name, v)} ${formatDuration(performance.now() - t0)}, ${result.iterations} iterations`)
        if (outDir !== null) await writePngFile(join(outDir, `${name.replace(/ x /, '_x_')}.png`), result.image)
        const h = result.image.height
        const atHeight = (im: RgbaImage): Promise<RgbaImage> => atSize(im, Math.max(1, Math.round((im.width * h) / im.height)), h)
        // Only a sheet that will be written gets the resized copies.
        const sheetRow = outDir === null ? [] : [await atHeight(content), await atHeight(style), result.image]
        if (outDir !== null) sheet.push(sheetRow)
        if (python !== null) {
          const t1 = performance.now()
          const { width, height } = result.image
          const k = Math.max(width, height) / Math.max(style.width, style.height)
          const [c0, s0] = await Promise.all([atSize(content, width, height), atSize(style, Math.max(1, Math.round(style.width * k)), Math.max(1, Math.round(style.height * k)))])
          const ref = await runReferenceGatys(python, weightsDir, c0, s0, referenceSteps)
          const rv = await judge.judge(content, style, ref)
          references.push(rv)
          lines.push(row(`${name} (reference)`, rv))
          console.error(`${row(`${name} (reference)`, rv)} ${formatDuration(performance.now() - t1)}, L-BFGS ${referenceSteps}`)
          if (outDir !== null) await writePngFile(join(outDir, `${name.replace(/ x /, '_x_')}_reference.png`), ref)
          sheetRow.push(ref)
        }
      }
    } finally {
      await dispose()
    }
    if (outDir !== null) {
      await writePngFile(join(outDir, 'side-by-side.png'), sideBySide(sheet))
      console.error(`content | style | result${python === null ? '' : ' | reference'}, one row per pair: ${join(outDir, 'side-by-side.png')}`)
    }
    lines.push(row('**mean**', mean(verdicts)))
    if (references.length > 0) lines.push(row('**mean, reference**', mean(references)))
    console.log(lines.join('\n'))
    return 0
  } finally {
    judge.dispose()
    for (const t of Object.values(weights)) t.dispose()
  }
}

/** The image resized to exactly width x height (bilinear), as the engine resizes its inputs. */
async function atSize(image: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  const t = tf.tidy(() => resize(rgbTensor(image), height, width))
  try {
    return await toRgbaImage(t, null)
  } finally {
    t.dispose()
  }
}

main().then((code) => { process.exitCode = code }, (e: unknown) => {
  console.error(`error: ${describeError(e)}`)
  if (process.env.DEBUG !== undefined) console.error(e)
  process.exitCode = 2
})
