import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { chooseNodeBackend } from '../../helper/backend.js'
import { loadWeightsFromDir } from '../../helper/weights-dir.js'
import { readImageFile } from '../../helper/image-io.js'
import type { RgbaImage, VggWeights } from '../../models/style-transfer/types.js'
import { createStyleTransfer, type StyleTransfer } from '../../models/style-transfer/index.js'

export { tf }

/** The real weights: ../shared/models/vgg19 beside the project (CI and developers), else models/vgg19. */
export const WEIGHTS_DIR = [
  process.env.VGG19_DIR,
  fileURLToPath(new URL('../../../shared/models/vgg19/', import.meta.url)),
  fileURLToPath(new URL('../../models/vgg19/weights/', import.meta.url))
].find((d): d is string => d !== undefined && existsSync(`${d}/group1-shard1of11.bin`)) ?? 'missing-weights-dir'

export const SHARED_IMAGES = fileURLToPath(new URL('../../../shared/images/', import.meta.url))

/** Tests run on wasm: the fastest backend every machine here has. */
export async function useWasm(): Promise<void> {
  await chooseNodeBackend('wasm')
}

let cached: VggWeights | null = null
/** Real VGG-19 weights, loaded once per test file (kept for the file's lifetime). */
export async function realWeights(): Promise<VggWeights> {
  cached ??= await loadWeightsFromDir(WEIGHTS_DIR)
  return cached
}

let pair: Promise<{ cat: RgbaImage; starry: RgbaImage }> | null = null
/** The shared sample pair (chelsea.png as content, starry_night.jpg as style), decoded once per file. */
export function samplePair(): Promise<{ cat: RgbaImage; starry: RgbaImage }> {
  pair ??= Promise.all([
    readImageFile(`${SHARED_IMAGES}content/chelsea.png`, 'Content'),
    readImageFile(`${SHARED_IMAGES}style/starry_night.jpg`, 'Style')
  ]).then(([cat, starry]) => ({ cat, starry }))
  return pair
}

/** Relative L2 distance |a - b| / |b|. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < a.length; i++) { num += ((a[i] as number) - (b[i] as number)) ** 2; den += (b[i] as number) ** 2 }
  return Math.sqrt(num / den)
}

/** An RGBA image drawn by a function of (x, y) -> [r, g, b, a?]. */
export function draw(width: number, height: number, f: (x: number, y: number) => readonly number[]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r = 0, g = 0, b = 0, a = 255] = f(x, y)
      data.set([r, g, b, a], (y * width + x) * 4)
    }
  }
  return { data, width, height }
}

export const checker = (w: number, h: number, cell = 4): RgbaImage =>
  draw(w, h, (x, y) => (((x / cell) | 0) + ((y / cell) | 0)) % 2 === 0 ? [250, 220, 30] : [20, 30, 140])
export const gradient = (w: number, h: number): RgbaImage =>
  draw(w, h, (x, y) => [(x / w) * 255, (y / h) * 255, 128])

/** The engine on wasm with the real weights, and the cat / Starry Night pair: the engine tests' common setup. */
export async function wasmEngineWithPair(): Promise<{ engine: StyleTransfer; cat: RgbaImage; starry: RgbaImage }> {
  await useWasm()
  return { engine: createStyleTransfer(await realWeights()), ...(await samplePair()) }
}
