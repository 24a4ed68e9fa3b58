import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { ensureWeights } from '../fetch-weights.js'
import { resolve } from 'node:path'
import { totalmem } from 'node:os'
import { detailWeightOf, resolveOptions, planRun, MAX_SIDE, PRESETS, PRESET_NAMES, presetNamed, tileGrid } from '../../models/style-transfer/index.js'
import { estimateJobMemory, formatBytes, TILE_MARGIN, tileConfigFor } from '../server/memory-estimate.js'
import type { RgbaImage, StyleTransferOptions } from '../../models/style-transfer/types.js'
import { chooseNodeBackend, createNodeEngine, type NodeBackend } from '../backend.js'
import { readImageFile, writePngFile } from '../image-io.js'
import { drawSampleContent, drawSampleStyle } from '../sample-images.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'
import { describeError } from '../describe-error.js'
import { bar, createLineWriter, formatDuration } from './progress-bar.js'

const USAGE = `usage: npm run stylize -- [--content C] [--style S [--style S2 …]] [--out O.png]
  [--size 512] [--preset draft|standard|high] [--steps N] [--steps-first N] [--min-size 128]
  [--style-weight 50] [--content-weight 1] [--tv-weight 1] [--detail 0.5] [--style-scale 1] [--seed 0]
  [--color off|preserve|match] [--optimizer adam|lbfgs] [--pooling max|average]
  [--backend NAME] [--weights DIR] [--tile PX] [--memory-mb MB]
Images larger than one pass fits in memory are optimised in tiles with whole-image style
statistics (--tile sets the tile side; 0 never tiles). --memory-mb is the budget the job must fit
(default 60% of this machine's memory); a job that cannot fit is refused before it starts.
Without --content/--style it stylises a sample pair the project draws itself.
Ctrl-C stops and writes the best image so far; a second Ctrl-C quits at once.`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string' }, style: { type: 'string', multiple: true }, out: { type: 'string' },
      size: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, 'steps-first': { type: 'string' },
      'min-size': { type: 'string' }, 'style-weight': { type: 'string' }, 'content-weight': { type: 'string' },
      'tv-weight': { type: 'string' }, detail: { type: 'string' }, 'style-scale': { type: 'string' }, seed: { type: 'string' },
      optimizer: { type: 'string' }, pooling: { type: 'string' }, color: { type: 'string' }, backend: { type: 'string' }, weights: { type: 'string' },
      tile: { type: 'string' }, 'memory-mb': { type: 'string' },
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
  // --detail is the panel's "Keep details" (0..1, 0.5 the default), not the engine's weight.
  const detailOpt = (v: string | undefined): number | undefined => {
    const n = numberOpt('detail', v)
    if (n === undefined) return undefined
    if (n < 0 || n > 1) throw new RangeError(`--detail: expected a number in 0..1 (0.5 is the default, 0 turns it off), got ${v}`)
    return detailWeightOf(n)
  }
  // The panel's preset names; the former quick/balanced/best still work.
  const preset = presetNamed(values.preset ?? 'standard')
  if (preset === null) throw new RangeError(`--preset: expected ${PRESET_NAMES.join(', ')} (or quick, balanced, best), got ${JSON.stringify(values.preset)}`)
  const flags: Partial<StyleTransferOptions> = {
    size: numberOpt('size', values.size),
    steps: numberOpt('steps', values.steps),
    stepsFirst: numberOpt('steps-first', values['steps-first']),
    minSize: numberOpt('min-size', values['min-size']),
    styleWeight: numberOpt('style-weight', values['style-weight']),
    contentWeight: numberOpt('content-weight', values['content-weight']),
    tvWeight: numberOpt('tv-weight', values['tv-weight']),
    detailWeight: detailOpt(values.detail),
    styleScale: numberOpt('style-scale', values['style-scale']),
    seed: numberOpt('seed', values.seed),
    optimizer: values.optimizer as StyleTransferOptions['optimizer'] | undefined,
    pooling: values.pooling as StyleTransferOptions['pooling'] | undefined,
    color: values.color as StyleTransferOptions['color'] | undefined
  }
  // Flags given override the preset; flags not given must not erase it.
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  const options: Partial<StyleTransferOptions> = { ...PRESETS[preset], ...given }
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

  const memoryMb = numberOpt('memory-mb', values['memory-mb']) ?? Math.floor((totalmem() / 2 ** 20) * 0.6)
  const tileFlag = numberOpt('tile', values.tile)
  if (tileFlag !== undefined && tileFlag !== 0 && tileFlag < 2 * TILE_MARGIN + 16) throw new RangeError(`--tile: expected 0 or at least ${2 * TILE_MARGIN + 16} pixels, got ${tileFlag}`)
  const tile = tileFlag === undefined ? tileConfigFor(memoryMb * 2 ** 20, MAX_SIDE) : tileFlag === 0 ? null : { size: tileFlag, margin: TILE_MARGIN }
  const estimate = estimateJobMemory(content, styles, resolved, tile)
  if (estimate.bytes > memoryMb * 2 ** 20) {
    console.error(`error: this job needs about ${formatBytes(estimate.bytes)} and the memory budget is ${formatBytes(memoryMb * 2 ** 20)}; choose a smaller --size${tile === null ? ' or let it tile (--tile 512)' : ' or a smaller --tile'}, or raise --memory-mb.`)
    return 2
  }

  const choice = await chooseNodeBackend(values.backend as NodeBackend | undefined)
  console.error(`backend: ${choice.backend} (${choice.reasons.join('; ')})`)
  if (values.weights === undefined && !existsSync(`${DEFAULT_WEIGHTS_DIR}${VGG19_MANIFEST.shards[0]!.path}`)) {
    // First run: fetch the weights (download and convert), or print exactly what to do offline.
    console.error('VGG-19 weights are not installed yet; fetching them (npm run models).')
    if ((await ensureWeights({})) !== 0) return 2
  }
  const weights = await loadWeightsFromDir(values.weights === undefined ? DEFAULT_WEIGHTS_DIR : resolve(values.weights))
  const { engine, description, dispose } = await createNodeEngine(choice, weights, { tile })
  for (const t of Object.values(weights)) t.dispose()
  console.error(`loss and gradient: ${description}`)

  const plan = planRun(content.width, content.height, resolved)
  console.error(`${content.width}x${content.height} -> ${plan.scales.map((s) => `${s.width}x${s.height}`).join(' -> ')}, ${plan.total} iterations`)
  if (estimate.tiled && tile !== null) {
    const last = plan.scales[plan.scales.length - 1]!
    console.error(`tiled: ${tileGrid(last.width, last.height, tile).length} tiles of at most ${tile.size} px (${tile.margin} px margins) at the last scale, whole-image style statistics; about ${formatBytes(estimate.bytes)}`)
  }
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
          `loss ${p.loss.toFixed(3)} (${Object.entries(p.parts).map(([term, v]) => `${term} ${v.toFixed(3)}`).join(' ')}) ETA ${formatDuration(p.etaMs)}`)
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
