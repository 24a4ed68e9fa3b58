import * as tf from '@tensorflow/tfjs-core'
import { EPS } from './losses.js'
import type { Tile, Tiling } from './tiles.js'
import type { ConvLayerName, Pooling } from './types.js'
import { maskPyramid, type Vgg19Features } from '../vgg19/features.js'

/** Tensor helpers of the tiled objective (tiled-objective.ts) and of the terms' tiled paths. */

export const crop = (image: tf.Tensor4D, t: Tile): tf.Tensor4D => tf.slice(image, [0, t.y, t.x, 0], [1, t.height, t.width, -1])

/** [1, h, w, 1]: 1 on the tile's core, 0 on its margin, times the image's alpha there. */
export function coreMask(t: Tile, alpha: tf.Tensor4D | null): tf.Tensor4D {
  return tf.tidy(() => {
    const ones = tf.ones([1, t.coreHeight, t.coreWidth, 1])
    const m = tf.pad(ones, [[0, 0], [t.coreY, t.height - t.coreY - t.coreHeight], [t.coreX, t.width - t.coreX - t.coreWidth], [0, 0]]) as tf.Tensor4D
    return alpha === null ? m : (tf.mul(m, crop(alpha, t)) as tf.Tensor4D)
  })
}

/** Unnormalised masked Gram: sum_p m_p f_p f_p^T. */
export function gramSum(features: tf.Tensor4D, mask: tf.Tensor4D): tf.Tensor2D {
  const [, h, w, c] = features.shape
  const f = tf.reshape(features, [h * w, c]) as tf.Tensor2D
  return tf.matMul(tf.transpose(tf.mul(f, tf.reshape(mask, [h * w, 1]))), f) as tf.Tensor2D
}

/** Adds b into the slot (freeing the old sum and b). */
export function accumulate<T extends tf.Tensor>(sum: T | null, b: T): T {
  if (sum === null) return b
  const out = tf.add(sum, b) as T
  sum.dispose()
  b.dispose()
  return out
}

/** Lets a Stop (and the panel) in between tiles; the engine has no DOM or Node timer types. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown }).setTimeout(resolve, 0))

/**
 * Whole-image Gram matrices of an image too big for one pass, by summing core Grams of tiles.
 * Resolves with one [C, C] per layer; the caller owns them.
 */
export async function tiledGrams(vgg: Vgg19Features, image: tf.Tensor4D, alpha: tf.Tensor4D | null, layers: readonly ConvLayerName[], pooling: Pooling, tiling: Tiling): Promise<tf.Tensor2D[]> {
  const [, h, w] = image.shape
  const sums: Array<tf.Tensor2D | null> = layers.map(() => null)
  const counts: Array<tf.Scalar | null> = layers.map(() => null)
  for (const t of tiling(w, h)) {
    const parts = tf.tidy(() => {
      const mask = coreMask(t, alpha)
      const pyramid = maskPyramid(mask, layers)
      const feats = vgg.extract(crop(image, t), layers, pooling)
      return layers.flatMap((l) => {
        const m = pyramid.get(l) as tf.Tensor4D
        return [gramSum(feats.get(l) as tf.Tensor4D, m), tf.sum(m)]
      })
    })
    layers.forEach((_, j) => {
      sums[j] = accumulate(sums[j] ?? null, parts[2 * j] as tf.Tensor2D)
      counts[j] = accumulate(counts[j] ?? null, parts[2 * j + 1] as tf.Scalar)
    })
    await yieldToEventLoop()
  }
  return layers.map((_, j) => {
    const s = sums[j] as tf.Tensor2D
    const n = counts[j] as tf.Scalar
    const g = tf.tidy(() => tf.div(s, tf.add(n, EPS)) as tf.Tensor2D)
    s.dispose()
    n.dispose()
    return g
  })
}
