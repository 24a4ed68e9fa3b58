import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { createTfjsObjective, type ObjectiveFactory } from '../../ui/engine/objective.js'
import { createStyleTransfer, planRun, resolveOptions } from '../../ui/engine/index.js'
import { iterationFlops } from '../../ui/engine/flops.js'
import { rgbTensor } from '../../ui/engine/image-tensor.js'
import { createVgg19Features } from '../../ui/engine/vgg19.js'
import { chooseNodeBackend, type NodeBackend } from '../backend.js'
import { drawSampleContent, drawSampleStyle } from '../sample-images.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'
import { formatDuration } from './progress-bar.js'

/**
 * `npm run bench`: ms per iteration (loss + image gradient, VGG-19 to conv5_1) per backend and
 * size, achieved GFLOP/s, peak memory, and the wall time of the default preset.
 *   --backends wasm,cpu   --sizes 128,256,512   --iters 2   --preset-size 256
 * The preset run is measured at --preset-size; at 512 its time is extrapolated from the measured
 * per-iteration costs (marked "est.") unless --preset-size 512 is given.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    backends: { type: 'string', default: 'wasm' }, sizes: { type: 'string', default: '128,256,512' },
    iters: { type: 'string', default: '2' }, 'preset-size': { type: 'string', default: '256' }, weights: { type: 'string' }
  } })
  const sizes = values.sizes.split(',').map(Number)
  const iters = Number(values.iters)
  const o = resolveOptions({})
  const rows: string[][] = [['backend', 'size', 'ms/iter', 'GFLOP/s', 'peak tensors MB', 'max RSS MB']]
  const presetRows: string[][] = []
  for (const name of values.backends.split(',') as NodeBackend[]) {
    const choice = await chooseNodeBackend(name)
    const weights = await loadWeightsFromDir(values.weights ?? DEFAULT_WEIGHTS_DIR)
    const vgg = createVgg19Features(weights, { convGrad: choice.convGrad, deepest: ['conv5_1'] })
    const factory: ObjectiveFactory = createTfjsObjective(vgg)
    const perPixelMs: number[] = []
    for (const size of sizes) {
      const { ms, peakMb } = await timeIteration(factory, size, iters)
      perPixelMs.push(ms / (size * size))
      const gflops = iterationFlops(size, size, o.contentLayer, o.styleLayers) / (ms / 1000) / 1e9
      rows.push([choice.backend, `${size}x${size}`, ms.toFixed(0), gflops.toFixed(1), peakMb.toFixed(0), (process.resourceUsage().maxRSS / 1024).toFixed(0)])
      console.error(`  ${choice.backend} ${size}: ${ms.toFixed(0)} ms/iter`)
    }
    vgg.dispose()
    // Default preset: measured at --preset-size, estimated at 512 from the measured costs.
    const presetSize = Number(values['preset-size'])
    const engine = createStyleTransfer(weights, { convGrad: choice.convGrad })
    const t0 = Date.now()
    await engine.stylizeAsync(drawSampleContent(presetSize, presetSize), [drawSampleStyle()], { size: presetSize })
    presetRows.push([choice.backend, `${presetSize}x${presetSize}`, formatDuration(Date.now() - t0), 'measured'])
    engine.dispose()
    if (presetSize !== 512) {
      const plan = planRun(512, 512, o)
      const costPerPixel = perPixelMs[perPixelMs.length - 1] ?? 0
      const est = plan.scales.reduce((a, s) => a + s.iterations * s.width * s.height * costPerPixel, 0)
      presetRows.push([choice.backend, '512x512', formatDuration(est), `est. (${plan.total} iterations over ${plan.scales.length} scales)`])
    }
    for (const t of Object.values(weights)) t.dispose()
  }
  printTable(rows)
  console.log()
  printTable([['backend', 'default preset', 'wall time', 'how'], ...presetRows])
}

async function timeIteration(factory: ObjectiveFactory, size: number, iters: number): Promise<{ ms: number; peakMb: number }> {
  const content = rgbTensor(drawSampleContent(size, size))
  const style = rgbTensor(drawSampleStyle(size, size))
  const objective = await factory({ content, styles: [style], options: resolveOptions({ size }) })
  const x = tf.clone(content)
  const once = async (): Promise<void> => {
    const r = await objective.evaluate(x)
    r.grad.dispose()
  }
  // Warm-up (kernel compilation, allocation), profiled for the peak bytes of live tensors.
  const info = await tf.profile(once)
  const peak = info.peakBytes
  const t0 = performance.now()
  for (let i = 0; i < iters; i++) await once()
  const ms = (performance.now() - t0) / iters
  objective.dispose()
  tf.dispose([content, style, x])
  return { ms, peakMb: peak / 1e6 }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
  }
}

main().catch((e: unknown) => { console.error(`bench failed: ${(e as Error).message}`); process.exitCode = 1 })
