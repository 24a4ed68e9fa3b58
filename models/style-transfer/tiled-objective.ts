import * as tf from '@tensorflow/tfjs-core'
import { meanSquare, tvLoss } from './losses.js'
import { createTfjsObjective, EvaluationAborted, normalise, type ObjectiveFactory } from './objective.js'
import { fitsOnePass, tileGrid, type Tile, type TileConfig } from './tiles.js'

/** How an image of a given size is cut into tiles. */
export type Tiling = (width: number, height: number) => Tile[]
import type { AbortSignalLike, ConvLayerName, Pooling, StyleTransferOptions } from './types.js'
import { maskPyramid, type Vgg19Features } from '../vgg19/features.js'

/**
 * The Gatys objective of a whole image evaluated tile by tile, with GLOBAL statistics.
 *
 * Stylising tiles independently (each with its own Gram matrices) gives every tile its own
 * balance of the style and visible seams. Here the loss is the whole image's loss:
 *   - Gram of layer l:  G_l = sum_t sum_{p in core t} f_p f_p^T / N_l  (cores partition the image)
 *   - style  S = sum_l w_l * |G_l - T_l|^2 / |T_l|^2 (as losses.ts), content and TV likewise.
 * Its gradient with respect to the pixels of tile t only needs dS/dG_l, which depends on all tiles
 * but is a small C x C matrix. So each evaluation makes two passes:
 *   1. forward every tile (no gradient) and sum the core Grams into G_l; compute D_l = dS/dG_l;
 *   2. per tile, back-propagate the surrogate  sum_l <D_l, G_{t,l}> + content_t, whose gradient
 *      equals the global loss's gradient through that tile's core features exactly.
 * Each tile's gradient covers core AND margin pixels (a core feature's receptive field reaches
 * into the margin); adding them up gives the gradient of the global loss, up to the context the
 * margin does not give (features near a tile's outer edge see zero padding). TV is computed on
 * the whole image, which is cheap. The extra forward pass costs about a third more per iteration.
 */

interface PreparedTile {
  tile: Tile
  /** Core mask (times the content's alpha) at every used layer's resolution. */
  masks: Map<ConvLayerName, tf.Tensor4D>
  /** The tensors to free (the pyramid shares some). */
  owned: tf.Tensor[]
  /** This tile's content features (content layer). */
  contentTarget: tf.Tensor4D
  /** Whether any position of the core counts (a fully transparent core is skipped). */
  empty: boolean
}

const crop = (image: tf.Tensor4D, t: Tile): tf.Tensor4D => tf.slice(image, [0, t.y, t.x, 0], [1, t.height, t.width, -1])

/** [1, h, w, 1]: 1 on the tile's core, 0 on its margin, times the image's alpha there. */
function coreMask(t: Tile, alpha: tf.Tensor4D | null): tf.Tensor4D {
  return tf.tidy(() => {
    const ones = tf.ones([1, t.coreHeight, t.coreWidth, 1])
    const m = tf.pad(ones, [[0, 0], [t.coreY, t.height - t.coreY - t.coreHeight], [t.coreX, t.width - t.coreX - t.coreWidth], [0, 0]]) as tf.Tensor4D
    return alpha === null ? m : (tf.mul(m, crop(alpha, t)) as tf.Tensor4D)
  })
}

/** Unnormalised masked Gram: sum_p m_p f_p f_p^T. */
function gramSum(features: tf.Tensor4D, mask: tf.Tensor4D): tf.Tensor2D {
  const [, h, w, c] = features.shape
  const f = tf.reshape(features, [h * w, c]) as tf.Tensor2D
  return tf.matMul(tf.transpose(tf.mul(f, tf.reshape(mask, [h * w, 1]))), f) as tf.Tensor2D
}

/** Adds b into the slot (freeing the old sum and b). */
function accumulate<T extends tf.Tensor>(sum: T | null, b: T): T {
  if (sum === null) return b
  const out = tf.add(sum, b) as T
  sum.dispose()
  b.dispose()
  return out
}

const yieldToEventLoop = (): Promise<void> =>
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
    const g = tf.tidy(() => tf.div(s, tf.add(n, 1e-8)) as tf.Tensor2D)
    s.dispose()
    n.dispose()
    return g
  })
}

/**
 * The tfjs objective that tiles when the content or a style image at a scale is larger than
 * `config.size`; smaller scales use the plain one-pass objective (identical results there).
 */
export function createTiledTfjsObjective(vgg: Vgg19Features, config: TileConfig): ObjectiveFactory {
  const plain = createTfjsObjective(vgg)
  const factory: ObjectiveFactory = async (inputs) => {
    const { content, styles, options: o, contentMask = null, styleMasks = [] } = inputs
    const [, height, width] = content.shape
    if (fitsOnePass(width, height, config) && styles.every((s) => fitsOnePass(s.shape[2], s.shape[1], config))) return plain(inputs)
    return createTiled(vgg, (w, h) => tileGrid(w, h, config), content, styles, o, contentMask, styleMasks, inputs.signal)
  }
  factory.supportsMasks = true
  return factory
}

/** Always tiled, with the given tiling (tests use it to check the algebra on chosen tilings). */
export function createTiledObjectiveWith(vgg: Vgg19Features, tiling: Tiling): ObjectiveFactory {
  const factory: ObjectiveFactory = async ({ content, styles, options, contentMask = null, styleMasks = [], signal }) =>
    createTiled(vgg, tiling, content, styles, options, contentMask, styleMasks, signal)
  factory.supportsMasks = true
  return factory
}

async function createTiled(
  vgg: Vgg19Features, tiling: Tiling, content: tf.Tensor4D, styles: readonly tf.Tensor4D[], o: StyleTransferOptions,
  contentAlpha: tf.Tensor4D | null, styleAlphas: ReadonlyArray<tf.Tensor4D | null>, signal?: AbortSignalLike
) {
  const layers = [...new Set([o.contentLayer, ...o.styleLayers])]
  const styleLayers = o.styleLayers
  const layerWeights = normalise(o.styleLayerWeights)
  const blend = normalise(o.styleBlend.length === styles.length ? o.styleBlend : styles.map(() => 1))
  const [, height, width] = content.shape

  // Style targets: the blend of each style's whole-image Grams, tiled when the style is big.
  let targets: tf.Tensor2D[] | null = null
  for (let i = 0; i < styles.length; i++) {
    const grams = await tiledGrams(vgg, styles[i] as tf.Tensor4D, styleAlphas[i] ?? null, styleLayers, o.pooling, tiling)
    const weighted = grams.map((g) => { const w = tf.mul(g, blend[i] as number) as tf.Tensor2D; g.dispose(); return w })
    targets = targets === null ? weighted : targets.map((t, j) => accumulate(t, weighted[j] as tf.Tensor2D))
  }
  const T = targets as tf.Tensor2D[]
  const targetNorms = await Promise.all(T.map(meanSquare))

  const tiles: PreparedTile[] = []
  const counts = new Map<ConvLayerName, number>(layers.map((l) => [l, 0]))
  let contentSquares = 0
  for (const t of tiling(width, height)) {
    const full = coreMask(t, contentAlpha)
    const masks = maskPyramid(full, layers)
    const contentTarget = tf.tidy(() => vgg.extract(crop(content, t), [o.contentLayer], o.pooling).get(o.contentLayer) as tf.Tensor4D)
    const stacked = tf.tidy(() => tf.stack([
      ...layers.map((l) => tf.sum(masks.get(l) as tf.Tensor4D)),
      tf.sum(tf.mul(tf.square(contentTarget), masks.get(o.contentLayer) as tf.Tensor4D))
    ]))
    const sums = await stacked.data()
    stacked.dispose()
    layers.forEach((l, j) => counts.set(l, (counts.get(l) as number) + (sums[j] as number)))
    contentSquares += sums[layers.length] as number
    const owned = [...new Set([full, ...masks.values()])]
    tiles.push({ tile: t, masks, owned, contentTarget, empty: layers.every((_, j) => (sums[j] as number) === 0) })
    await yieldToEventLoop()
  }
  const channels = tiles[0]?.contentTarget.shape[3] ?? 1
  const N = (l: ConvLayerName): number => Math.max(counts.get(l) as number, 1e-8)
  // Global masked mean square of the content target, as maskedMeanSquare computes for one pass.
  const contentNorm = contentSquares / (N(o.contentLayer) * channels) + 1e-8

  const styleOf = (grams: readonly tf.Tensor2D[]): tf.Scalar =>
    tf.addN(grams.map((g, j) => tf.mul(tf.div(tf.mean(tf.squaredDifference(g, T[j] as tf.Tensor2D)), (targetNorms[j] as number) + 1e-8), (layerWeights[j] as number) * o.styleWeight))) as tf.Scalar

  return {
    async evaluate(x: tf.Tensor) {
      const image = x as tf.Tensor4D
      // Pass 1: whole-image Grams of the current image.
      let sums: tf.Tensor2D[] | null = null
      // One iteration of a big image can take minutes: a Stop must not wait for all its tiles.
      const abortIfAsked = (held: ReadonlyArray<tf.Tensor | null>): void => {
        if (signal?.aborted !== true) return
        tf.dispose(held.filter((t): t is tf.Tensor => t !== null))
        throw new EvaluationAborted()
      }
      for (const p of tiles) {
        if (p.empty) continue
        abortIfAsked(sums ?? [])
        const parts = tf.tidy(() => {
          const feats = vgg.extract(crop(image, p.tile), styleLayers, o.pooling)
          return styleLayers.map((l) => gramSum(feats.get(l) as tf.Tensor4D, p.masks.get(l) as tf.Tensor4D))
        })
        sums = sums === null ? parts : sums.map((s, j) => accumulate(s, parts[j] as tf.Tensor2D))
        await yieldToEventLoop()
      }
      const grams = (sums ?? []).map((s, j) => { const g = tf.div(s, N(styleLayers[j] as ConvLayerName)) as tf.Tensor2D; s.dispose(); return g })
      // D_l = dS/dG_l at the current image, and S itself.
      const { value: styleValue, grads: D } = tf.tidy(() => tf.valueAndGrads((...gs: tf.Tensor[]) => styleOf(gs as tf.Tensor2D[]))(grams))
      tf.dispose(grams)

      // Pass 2: the surrogate per tile; its gradient is the global loss's gradient there.
      let grad: tf.Tensor4D | null = null
      let contentValue: tf.Scalar | null = null
      for (const p of tiles) {
        if (p.empty) continue
        abortIfAsked([grad, contentValue, styleValue, ...D])
        const { value, grad: g } = tf.tidy(() => {
          let c: tf.Scalar | null = null
          const r = tf.valueAndGrad((tileImage: tf.Tensor) => {
            const feats = vgg.extract(tileImage as tf.Tensor4D, layers, o.pooling)
            const m = p.masks.get(o.contentLayer) as tf.Tensor4D
            const sq = tf.mul(tf.squaredDifference(feats.get(o.contentLayer) as tf.Tensor4D, p.contentTarget), m)
            const content = tf.mul(tf.sum(sq), o.contentWeight / (N(o.contentLayer) * channels * contentNorm)) as tf.Scalar
            c = tf.keep(tf.clone(content))
            const style = styleLayers.map((l, j) =>
              tf.sum(tf.mul(tf.div(gramSum(feats.get(l) as tf.Tensor4D, p.masks.get(l) as tf.Tensor4D), N(l)), D[j] as tf.Tensor)))
            return tf.addN([content, ...style]) as tf.Scalar
          })(crop(image, p.tile))
          const t = p.tile
          const placed = tf.pad(r.grad, [[0, 0], [t.y, height - t.y - t.height], [t.x, width - t.x - t.width], [0, 0]]) as tf.Tensor4D
          return { value: c as unknown as tf.Scalar, grad: placed }
        })
        grad = accumulate(grad, g)
        contentValue = accumulate(contentValue, value)
        await yieldToEventLoop()
      }
      const tv = tf.tidy(() => tf.valueAndGrad((img: tf.Tensor) => tf.mul(tvLoss(img as tf.Tensor4D), o.tvWeight) as tf.Scalar)(image))
      const total = tf.tidy(() => (grad === null ? tv.grad : tf.add(grad, tv.grad)))
      const stackedValues = tf.tidy(() => tf.stack([contentValue ?? tf.scalar(0), styleValue, tv.value]))
      const values = await stackedValues.data()
      stackedValues.dispose()
      tf.dispose([grad, contentValue, styleValue, tv.grad, tv.value, ...D].filter((t): t is tf.Tensor => t !== null))
      const triple = [values[0] as number, values[1] as number, values[2] as number] as const
      return { loss: triple[0] + triple[1] + triple[2], parts: triple, grad: total }
    },
    dispose() {
      tf.dispose(T)
      for (const p of tiles) {
        p.contentTarget.dispose()
        tf.dispose(p.owned)
      }
    }
  }
}
