import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import type { RgbaImage, StyleTransferOptions } from '../../models/style-transfer/types.js'
import type { StyleTransfer } from '../../models/style-transfer/index.js'
import { readImageFile } from '../image-io.js'
import type { Judge, Verdict } from './judge.js'
import { runReferenceGatys } from './reference-run.js'

/**
 * Stylising the public pairs and judging each result: shared by `npm run judge -- --bench` and
 * `npm run bench -- --time-to-result` (which adds the wall time per preset).
 */

const IMAGES = fileURLToPath(new URL('../../../shared/images/', import.meta.url))
const CONTENTS = ['astronaut.png', 'chelsea.png', 'coffee.png']
const STYLES = ['starry_night.jpg', 'shipwreck.jpg', 'gravel.png']

export interface Pair { name: string; content: string; style: string }

/** diagonal: astronaut x starry_night, chelsea x shipwreck, coffee x gravel; all: the nine. */
export function publicPairs(which: 'diagonal' | 'all'): Pair[] {
  const pairs = which === 'all'
    ? CONTENTS.flatMap((c) => STYLES.map((s) => [c, s] as const))
    : CONTENTS.map((c, i) => [c, STYLES[i] as string] as const)
  return pairs.map(([c, s]) => ({ name: `${c.replace(/\.\w+$/, '')} x ${s.replace(/\.\w+$/, '')}`, content: c, style: s }))
}

export interface PairImages { content: RgbaImage; style: RgbaImage }

export async function readPair(pair: Pair): Promise<PairImages> {
  const [content, style] = await Promise.all([
    readImageFile(join(IMAGES, 'content', pair.content), 'Content'),
    readImageFile(join(IMAGES, 'style', pair.style), 'Style')
  ])
  return { content, style }
}

export interface JudgedRun { image: RgbaImage; verdict: Verdict; ms: number; iterations: number }

/** One engine run on a pair, timed (wall clock, the whole stylizeAsync), and its verdict. */
export async function runAndJudge(engine: StyleTransfer, judge: Judge, images: PairImages, options: Partial<StyleTransferOptions>): Promise<JudgedRun> {
  const t0 = performance.now()
  const result = await engine.stylizeAsync(images.content, [images.style], options)
  const ms = performance.now() - t0
  return { image: result.image, verdict: await judge.judge(images.content, images.style, result.image), ms, iterations: result.iterations }
}

/** The reference Gatys run (PyTorch, L-BFGS) at the size of `like`, timed, and its verdict. */
export async function referenceAndJudge(python: string, weightsDir: string, judge: Judge, images: PairImages, like: RgbaImage, steps: number): Promise<JudgedRun> {
  const t0 = performance.now()
  const { width, height } = like
  const { content, style } = images
  const k = Math.max(width, height) / Math.max(style.width, style.height)
  const [c0, s0] = await Promise.all([atSize(content, width, height), atSize(style, Math.max(1, Math.round(style.width * k)), Math.max(1, Math.round(style.height * k)))])
  const image = await runReferenceGatys(python, weightsDir, c0, s0, steps)
  const ms = performance.now() - t0
  return { image, verdict: await judge.judge(content, style, image), ms, iterations: steps }
}

/** The image resized to exactly width x height (bilinear), as the engine resizes its inputs. */
export async function atSize(image: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  const t = tf.tidy(() => resize(rgbTensor(image), height, width))
  try {
    return await toRgbaImage(t, null)
  } finally {
    t.dispose()
  }
}

export const VERDICT_HEADER = '| pair | style drop | style dist. | content dist. | SSIM | edge corr. | frame |'
export const VERDICT_RULE = '| --- | --- | --- | --- | --- | --- | --- |'
export const verdictRow = (name: string, v: Verdict): string =>
  `| ${name} | ${v.styleDrop.toFixed(3)} | ${v.styleDistance.toFixed(3)} | ${v.contentDistance.toFixed(3)} | ${v.ssim.toFixed(3)} | ${v.edgeCorrelation.toFixed(3)} | ${v.frame.toFixed(1)} |`

export function meanVerdict(vs: readonly Verdict[]): Verdict {
  const m = (k: keyof Verdict): number => vs.reduce((s, v) => s + v[k], 0) / vs.length
  return { styleDrop: m('styleDrop'), styleDistance: m('styleDistance'), contentDistance: m('contentDistance'), ssim: m('ssim'), edgeCorrelation: m('edgeCorrelation'), frame: m('frame') }
}
