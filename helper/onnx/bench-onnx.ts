/**
 * Speed of the ONNX objective: ms per iteration (loss + image gradient) at several sizes, with the
 * one-off costs (weights conversion, targets, session creation) printed apart.
 *
 *   npx tsx helper/onnx/bench-onnx.ts [--sizes 128,256,512] [--iters 5] [--warmup 2] [--threads N]
 *                                    [--pooling max|average] [--tfjs-targets]
 *
 * The first iterations at a new size are slower (onnxruntime's arena and memory pattern settle,
 * pages are first touched): measured 1.2 s, 0.85 s, 0.85 s, then 0.65 s at 256 on 2 cores. So
 * `--warmup` iterations run untimed after the first one, and the median of the rest is reported.
 *
 * --tfjs-targets also times the tfjs (wasm) extractor computing the same targets, to compare with
 * the forward-only ONNX graph the objective uses.
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { availableParallelism } from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
import { chooseNodeBackend } from '../backend.js'
import { readImageFile } from '../image-io.js'
import { loadWeightsFromDir } from '../weights-dir.js'
import { resize, rgbTensor } from '../../models/style-transfer/image-tensor.js'
import { styleTargets } from '../../models/style-transfer/terms/style.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import type { Pooling } from '../../models/style-transfer/types.js'
import { createOnnxObjective } from './onnx-objective.js'
import { probeOnnxRuntime } from './ort-runtime.js'

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '128,256,512' },
    iters: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: String(availableParallelism()) },
    pooling: { type: 'string', default: 'max' },
    weights: { type: 'string', default: fileURLToPath(new URL('../../models/vgg19/weights/', import.meta.url)) },
    content: { type: 'string', default: fileURLToPath(new URL('../../../shared/images/content/astronaut.png', import.meta.url)) },
    style: { type: 'string', default: fileURLToPath(new URL('../../../shared/images/style/starry_night.jpg', import.meta.url)) },
    'tfjs-targets': { type: 'boolean', default: false }
  }
})

const sizes = args.sizes.split(',').map(Number)
const iters = Number(args.iters)
const warmup = Number(args.warmup)
const threads = Number(args.threads)
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`

const probe = await probeOnnxRuntime({ threads })
if (!probe.available) {
  console.error(`ONNX path unavailable: ${probe.reason}`)
  process.exit(1)
}
console.log(`${probe.detail}; pooling ${args.pooling}; ${warmup} warm-up + ${iters} timed iterations per size`)
// tfjs is only used to hold images (and for --tfjs-targets); wasm is this project's CPU backend.
await chooseNodeBackend('wasm')
const weights = await loadWeightsFromDir(args.weights)
const contentImg = await readImageFile(args.content, 'content')
const styleImg = await readImageFile(args.style, 'style')
const contentFull = rgbTensor(contentImg)
const styleFull = rgbTensor(styleImg)

let t = performance.now()
const factory = await createOnnxObjective(weights, { threads })
console.log(`weights to OIHW: ${fmt(performance.now() - t)}`)
const vgg = args['tfjs-targets'] ? createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] }) : null

console.log('size      targets+session  (session)  first eval  median iter  mean iter')
for (const s of sizes) {
  const o = resolveOptions({ size: s, minSize: s, pooling: args.pooling as Pooling })
  const ratio = s / Math.max(contentImg.width, contentImg.height)
  const [h, w] = [Math.round(contentImg.height * ratio), Math.round(contentImg.width * ratio)]
  const sr = s / Math.max(styleImg.width, styleImg.height)
  const content = resize(contentFull, h, w)
  const style = resize(styleFull, Math.round(styleImg.height * sr), Math.round(styleImg.width * sr))
  const before = factory.stats().objective.createMs
  t = performance.now()
  const objective = await factory({ content, styles: [style], options: o })
  const setup = performance.now() - t
  const sessionMs = factory.stats().objective.createMs - before
  t = performance.now()
  const first = await objective.evaluate(content)
  first.grad.dispose()
  const firstMs = performance.now() - t
  for (let i = 0; i < warmup; i++) (await objective.evaluate(content)).grad.dispose()
  const times: number[] = []
  for (let i = 0; i < iters; i++) {
    t = performance.now()
    ;(await objective.evaluate(content)).grad.dispose()
    times.push(performance.now() - t)
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number
  const mean = times.reduce((a, b) => a + b, 0) / times.length
  console.log(`${`${w}x${h}`.padEnd(10)}${fmt(setup).padStart(15)}  ${`(${fmt(sessionMs)})`.padStart(9)}  ${fmt(firstMs).padStart(10)}  ${fmt(median).padStart(11)}  ${fmt(mean).padStart(9)}`)
  objective.dispose()
  if (vgg !== null) {
    t = performance.now()
    const ct = tf.tidy(() => vgg.extract(content, [o.contentLayer], o.pooling).get(o.contentLayer) as tf.Tensor)
    const grams = styleTargets(vgg, [style], o)
    await ct.data()
    for (const g of grams) await g.data()
    console.log(`          tfjs wasm targets (content + style forward): ${fmt(performance.now() - t)}`)
    ct.dispose()
    for (const g of grams) g.dispose()
  }
  content.dispose()
  style.dispose()
}
const st = factory.stats()
console.log(`targets session ${fmt(st.targets.createMs)} once; targets computed in ${fmt(st.targetsMs)} total (incl. that session)`)
await factory.dispose()
vgg?.dispose()
contentFull.dispose()
styleFull.dispose()
for (const k of Object.values(weights)) k.dispose()
