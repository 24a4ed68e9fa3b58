import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { VGG19_MANIFEST } from '../../models/manifest.js'
import { ensureWeights } from '../fetch-weights.js'
import { resolve } from 'node:path'
import { resolveOptions, planRun } from '../../ui/engine/index.js'
import type { RgbaImage, StyleTransferOptions } from '../../ui/engine/types.js'
import { chooseNodeBackend, createNodeEngine, type NodeBackend } from '../backend.js'
import { readImageFile, writePngFile } from '../image-io.js'
import { PRESETS, type PresetName } from '../presets.js'
import { drawSampleContent, drawSampleStyle } from '../sample-images.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'
import { describeError } from '../describe-error.js'
import { bar, createLineWriter, formatDuration } from './progress-bar.js'

const USAGE = `usage: npm run stylize -- [--content C] [--style S [--style S2 …]] [--out O.png]
  [--size 512] [--preset quick|balanced|best] [--steps N] [--steps-first N] [--min-size 128]
  [--style-weight 50] [--content-weight 1] [--tv-weight 1] [--style-scale 1] [--seed 0]
  [--color off|preserve|match] [--optimizer adam|lbfgs] [--pooling max|average]
  [--backend NAME] [--weights DIR]
Without --content/--style it stylises a sample pair the project draws itself.
Ctrl-C stops and writes the best image so far; a second Ctrl-C quits at once.`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string' }, style: { type: 'string', multiple: true }, out: { type: 'string' },
      size: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, 'steps-first': { type: 'string' },
      'min-size': { type: 'string' }, 'style-weight': { type: 'string' }, 'content-weight': { type: 'string' },
      'tv-weight': { type: 'string' }, 'style-scale': { type: 'string' }, seed: { type: 'string' },
      optimizer: { type: 'string' }, pooling: { type: 'string' }, color: { type: 'string' }, backend: { type: 'string' }, weights: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) { console.log(USAGE); return 0 }
  const numberOpt = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (v.trim() === '' || !Number.isFinite(n)) throw new RangeError(`--${flag}: expected a number, got ${JSON.stringify(v)}`)
    return n
  }
  const preset = values.preset ?? 'balanced'
  if (!(preset in PRESETS)) throw new RangeError(`--preset: expected quick, balanced or best, got ${JSON.stringify(preset)}`)
  const flags: Partial<StyleTransferOptions> = {
    size: numberOpt('size', values.size),
    steps: numberOpt('steps', values.steps),
    stepsFirst: numberOpt('steps-first', values['steps-first']),
    minSize: numberOpt('min-size', values['min-size']),
    styleWeight: numberOpt('style-weight', values['style-weight']),
    contentWeight: numberOpt('content-weight', values['content-weight']),
    tvWeight: numberOpt('tv-weight', values['tv-weight']),
    styleScale: numberOpt('style-scale', values['style-scale']),
    seed: numberOpt('seed', values.seed),
    optimizer: values.optimizer as StyleTransferOptions['optimizer'] | undefined,
    pooling: values.pooling as StyleTransferOptions['pooling'] | undefined,
    color: values.color as StyleTransferOptions['color'] | undefined
  }
  // Flags given override the preset; flags not given must not erase it.
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  const options: Partial<StyleTransferOptions> = { ...PRESETS[preset as PresetName], ...given }
  const resolved = resolveOptions(options)
  const out = resolve(values.out ?? 'stylized.png')

  let content: RgbaImage
  let styles: RgbaImage[]
  if (values.content === undefined && values.style === undefined) {
    console.error('No --content/--style given: using the sample pair the project draws (a landscape and a stroke pattern).')
    content = drawSampleContent()
    styles = [drawSampleStyle()]
  } else if (values.content === undefined || values.style === undefined) {
    throw new RangeError('give both --content and --style (or neither, for the sample pair)')
  } else {
    content = await readImageFile(values.content, 'Content')
    styles = await Promise.all(values.style.map((s, i) => readImageFile(s, values.style!.length > 1 ? `Style ${i + 1}` : 'Style')))
  }

  const choice = await chooseNodeBackend(values.backend as NodeBackend | undefined)
  console.error(`backend: ${choice.backend} (${choice.reasons.join('; ')})`)
  if (values.weights === undefined && !existsSync(`${DEFAULT_WEIGHTS_DIR}${VGG19_MANIFEST.shards[0]!.path}`)) {
    // First run: fetch the weights (download and convert), or print exactly what to do offline.
    console.error('VGG-19 weights are not installed yet; fetching them (npm run models).')
    if ((await ensureWeights({})) !== 0) return 2
  }
  const weights = await loadWeightsFromDir(values.weights === undefined ? DEFAULT_WEIGHTS_DIR : resolve(values.weights))
  const { engine, description, dispose } = await createNodeEngine(choice, weights)
  for (const t of Object.values(weights)) t.dispose()
  console.error(`loss and gradient: ${description}`)

  const plan = planRun(content.width, content.height, resolved)
  console.error(`${content.width}x${content.height} -> ${plan.scales.map((s) => `${s.width}x${s.height}`).join(' -> ')}, ${plan.total} iterations`)
  const controller = new AbortController()
  let interrupts = 0
  const onSigint = (): void => {
    interrupts += 1
    if (interrupts > 1) process.exit(130)
    console.error('\nStopping after this iteration; the best image so far will be written. Ctrl-C again to quit at once.')
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  const line = createLineWriter(process.stderr)
  try {
    const result = await engine.stylizeAsync(content, styles, options, {
      signal: controller.signal,
      onProgress: (p) => {
        line.update(`scale ${p.scale}/${p.scales} ${p.width}x${p.height} it ${p.iteration}/${p.iterations} ${bar(p.done / p.total)} ` +
          `loss ${p.loss.toFixed(3)} (c ${p.content.toFixed(3)} s ${p.style.toFixed(3)} tv ${p.tv.toFixed(3)}) ETA ${formatDuration(p.etaMs)}`)
      }
    })
    line.done()
    await writePngFile(out, result.image)
    console.error(`${result.stopped ? 'stopped early; best image so far' : 'done'}: ${out} (${result.image.width}x${result.image.height}, ${result.iterations} iterations, ${formatDuration(result.elapsedMs)})`)
    return 0
  } finally {
    process.off('SIGINT', onSigint)
    await dispose()
  }
}

main().then((code) => { process.exitCode = code }, (e: unknown) => {
  console.error(`error: ${describeError(e)}`)
  if (process.env.DEBUG !== undefined) console.error(e)
  process.exitCode = 2
})
