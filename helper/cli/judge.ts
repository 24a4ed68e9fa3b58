/**
 * `npm run judge -- --content C --style S --result R`: the quality judge's numbers for one result.
 * `npm run judge -- --bench [--size 256] [--preset balanced] [--pairs diagonal|all] [--set k=v ...]`:
 * stylises the public pairs in ../shared/images with the engine and judges each result.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
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
import { atSize, meanVerdict, publicPairs, readPair, referenceAndJudge, runAndJudge, VERDICT_HEADER, VERDICT_RULE, verdictRow } from '../judge/judge-pairs.js'
import { sideBySide } from '../judge/side-by-side.js'
import { formatDuration } from './progress-bar.js'

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
      console.log([VERDICT_HEADER, VERDICT_RULE, verdictRow(values.result, await judge.judge(c, s, r))].join('\n'))
      return 0
    }
    const preset = presetNamed(values.preset ?? 'standard')
    if (preset === null) throw new RangeError(`--preset: expected ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(values.preset)}`)
    const options: Partial<StyleTransferOptions> = { ...PRESETS[preset], size: Number(values.size ?? 256), ...parseSets(values.set ?? []) }
    const resolved = resolveOptions(options)
    const pairs = publicPairs(values.pairs === 'all' ? 'all' : 'diagonal')
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
    const lines = [VERDICT_HEADER, VERDICT_RULE]
    // With --out-dir: one row per pair (content and style at the result's height, the result, the
    // reference) in side-by-side.png.
    const sheet: RgbaImage[][] = []
    try {
      for (const pair of pairs) {
        const images = await readPair(pair)
        const run = await runAndJudge(engine, judge, images, options)
        verdicts.push(run.verdict)
        lines.push(verdictRow(pair.name, run.verdict))
        console.error(`${verdictRow(pair.name, run.verdict)} ${formatDuration(run.ms)}, ${run.iterations} iterations`)
        const file = pair.name.replace(/ x /, '_x_')
        if (outDir !== null) await writePngFile(join(outDir, `${file}.png`), run.image)
        const h = run.image.height
        const atHeight = (im: RgbaImage): Promise<RgbaImage> => atSize(im, Math.max(1, Math.round((im.width * h) / im.height)), h)
        // Only a sheet that will be written gets the resized copies.
        const sheetRow = outDir === null ? [] : [await atHeight(images.content), await atHeight(images.style), run.image]
        if (outDir !== null) sheet.push(sheetRow)
        if (python !== null) {
          const ref = await referenceAndJudge(python, weightsDir, judge, images, run.image, referenceSteps)
          references.push(ref.verdict)
          lines.push(verdictRow(`${pair.name} (reference)`, ref.verdict))
          console.error(`${verdictRow(`${pair.name} (reference)`, ref.verdict)} ${formatDuration(ref.ms)}, L-BFGS ${referenceSteps}`)
          if (outDir !== null) await writePngFile(join(outDir, `${file}_reference.png`), ref.image)
          sheetRow.push(ref.image)
        }
      }
    } finally {
      await dispose()
    }
    if (outDir !== null) {
      await writePngFile(join(outDir, 'side-by-side.png'), sideBySide(sheet))
      console.error(`content | style | result${python === null ? '' : ' | reference'}, one row per pair: ${join(outDir, 'side-by-side.png')}`)
    }
    lines.push(verdictRow('**mean**', meanVerdict(verdicts)))
    if (references.length > 0) lines.push(verdictRow('**mean, reference**', meanVerdict(references)))
    console.log(lines.join('\n'))
    return 0
  } finally {
    judge.dispose()
    for (const t of Object.values(weights)) t.dispose()
  }
}

main().then((code) => { process.exitCode = code }, (e: unknown) => {
  console.error(`error: ${describeError(e)}`)
  if (process.env.DEBUG !== undefined) console.error(e)
  process.exitCode = 2
})
