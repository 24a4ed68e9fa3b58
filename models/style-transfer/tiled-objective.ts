import * as tf from '@tensorflow/tfjs-core'
import { EPS } from './losses.js'
import { createTfjsObjective, EvaluationAborted, type ObjectiveFactory, type ObjectiveInputs } from './objective.js'
import { partsOf, termLayers, TERMS, totalOf } from './terms/index.js'
import type { Term, TiledTerm, TileView } from './terms/term.js'
import { accumulate, coreMask, crop, yieldToEventLoop } from './tile-ops.js'
import { fitsOnePass, tileGrid, type TileConfig, type Tiling } from './tiles.js'
import type { ConvLayerName } from './types.js'
import { maskPyramid, type Vgg19Features } from '../vgg19/features.js'

export { tiledGrams } from './tile-ops.js'
export type { Tiling } from './tiles.js'

/**
 * The objective of a whole image evaluated tile by tile, with GLOBAL statistics.
 *
 * Stylising tiles independently (each with its own Gram matrices) gives every tile its own
 * balance of the style and visible seams. Here the loss is the whole image's loss, assembled from
 * the same terms as the one-pass objective, each saying how it is tiled (terms/term.ts TiledTerm):
 *   - a 'statistics' term's value is a function L(S) of sums over tile cores (the style term's
 *     Gram of layer l: G_l = sum_t sum_{p in core t} f_p f_p^T / N_l; the content term's masked
 *     squared error). Its gradient with respect to the pixels of tile t only needs D = dL/dS,
 *     which depends on all tiles but is small (a C x C matrix per layer, a number);
 *   - an 'image' term (TV) is evaluated on the whole image, which is cheap.
 * So each evaluation makes two passes over the tiles:
 *   1. forward every tile (no gradient) and sum each term's tile statistics into S; compute D;
 *   2. per tile, back-propagate the surrogate  sum_terms <D, S_t>, whose gradient equals the
 *      global loss's gradient through that tile's core features exactly.
 * Each tile's gradient covers core AND margin pixels (a core feature's receptive field reaches
 * into the margin); adding them up gives the gradient of the global loss, up to the context the
 * margin does not give (features near a tile's outer edge see zero padding). The extra forward
 * pass costs about a third more per iteration.
 */

interface PreparedTile extends TileView {
  /** The tensors to free (the pyramid shares some). */
  owned: tf.Tensor[]
}

/**
 * The tfjs objective that tiles when the content or a style image at a scale is larger than
 * `config.size`; smaller scales use the plain one-pass objective (identical results there).
 */
export function createTiledTfjsObjective(vgg: Vgg19Features, config: TileConfig, terms: readonly Term[] = TERMS): ObjectiveFactory {
  const plain = createTfjsObjective(vgg, terms)
  const factory: ObjectiveFactory = async (inputs) => {
    const { content, styles } = inputs
    const [, height, width] = content.shape
    if (fitsOnePass(width, height, config) && styles.every((s) => fitsOnePass(s.shape[2], s.shape[1], config))) return plain(inputs)
    return createTiled(vgg, (w, h) => tileGrid(w, h, config), terms, inputs)
  }
  factory.supportsMasks = true
  return factory
}

/** Always tiled, with the given tiling (tests use it to check the algebra on chosen tilings). */
export function createTiledObjectiveWith(vgg: Vgg19Features, tiling: Tiling, terms: readonly Term[] = TERMS): ObjectiveFactory {
  const factory: ObjectiveFactory = async (inputs) => createTiled(vgg, tiling, terms, inputs)
  factory.supportsMasks = true
  return factory
}

async function createTiled(vgg: Vgg19Features, tiling: Tiling, terms: readonly Term[], inputs: ObjectiveInputs) {
  const { content, styles, options: o, contentMask: contentAlpha = null, styleMasks = [], signal } = inputs
  const layers = termLayers(terms, o)
  const [, height, width] = content.shape

  // The tiles of the content's size: core masks at every layer, and how many positions count.
  const tiles: PreparedTile[] = []
  const counts = new Map<ConvLayerName, number>(layers.map((l) => [l, 0]))
  for (const t of tiling(width, height)) {
    const full = coreMask(t, contentAlpha)
    const masks = maskPyramid(full, layers)
    const stacked = tf.tidy(() => tf.stack(layers.map((l) => tf.sum(masks.get(l) as tf.Tensor4D))))
    const sums = await stacked.data()
    stacked.dispose()
    layers.forEach((l, j) => counts.set(l, (counts.get(l) as number) + (sums[j] as number)))
    tiles.push({ tile: t, masks, owned: [...new Set([full, ...masks.values()])], empty: layers.length > 0 && layers.every((_, j) => (sums[j] as number) === 0) })
  }
  const count = (l: ConvLayerName): number => Math.max(counts.get(l) ?? 0, EPS)

  const prepared: TiledTerm[] = []
  const dispose = (): void => {
    for (const p of prepared) p.dispose()
    for (const p of tiles) tf.dispose(p.owned)
  }
  try {
    for (const term of terms) prepared.push(await term.prepareTiled({ vgg, content, styles, options: o, styleMasks, tiles, tiling, count }))
  } catch (e) {
    dispose()
    throw e
  }
  // Each kind with its index in the term list (where its value goes).
  const statTerms = prepared.flatMap((p, i) => (p.kind === 'statistics' ? [{ p, i }] : []))
  const imageTerms = prepared.flatMap((p, i) => (p.kind === 'image' ? [{ p, i }] : []))
  const statLayers = termLayers(statTerms.map(({ i }) => terms[i] as Term), o)

  return {
    async evaluate(x: tf.Tensor) {
      const image = x as tf.Tensor4D
      const values: Array<tf.Scalar | null> = prepared.map(() => null)
      // One iteration of a big image can take minutes: a Stop must not wait for all its tiles.
      const abortIfAsked = (held: ReadonlyArray<tf.Tensor | null>): void => {
        if (signal?.aborted !== true) return
        tf.dispose([...held, ...values].filter((t): t is tf.Tensor => t !== null))
        throw new EvaluationAborted()
      }
      const statisticsOf = (feats: ReadonlyMap<ConvLayerName, tf.Tensor4D>, i: number): tf.Tensor[][] =>
        statTerms.map(({ p }) => p.tileStatistics(feats, i))

      // Pass 1: every statistics term's sums over the tiles at the current image.
      let sums: tf.Tensor[][] | null = null
      for (const [i, p] of tiles.entries()) {
        if (p.empty || statTerms.length === 0) continue
        abortIfAsked((sums ?? []).flat())
        const parts = tf.tidy(() => statisticsOf(vgg.extract(crop(image, p.tile), statLayers, o.pooling), i))
        sums = sums === null ? parts : sums.map((s, k) => s.map((t, j) => accumulate(t, parts[k]?.[j] as tf.Tensor)))
        await yieldToEventLoop()
      }
      // Each term's value and D = d value / d statistics.
      const D: tf.Tensor[][] = []
      statTerms.forEach(({ p, i }, k) => {
        const s = sums?.[k] ?? []
        if (s.length === 0) { D.push([]); return }
        const r = tf.tidy(() => tf.valueAndGrads((...st: tf.Tensor[]) => p.value(st))(s))
        values[i] = r.value
        D.push(r.grads)
        tf.dispose(s)
      })

      // Pass 2: the surrogate per tile; its gradient is the global loss's gradient there.
      let grad: tf.Tensor4D | null = null
      for (const [i, p] of tiles.entries()) {
        if (p.empty || statTerms.length === 0) continue
        abortIfAsked([grad, ...D.flat()])
        const g = tf.tidy(() => {
          const r = tf.valueAndGrad((tileImage: tf.Tensor) => {
            const stats = statisticsOf(vgg.extract(tileImage as tf.Tensor4D, statLayers, o.pooling), i)
            return tf.addN(stats.flatMap((s, k) => s.map((t, j) => tf.sum(tf.mul(t, D[k]?.[j] as tf.Tensor))))) as tf.Scalar
          })(crop(image, p.tile))
          const t = p.tile
          return tf.pad(r.grad, [[0, 0], [t.y, height - t.y - t.height], [t.x, width - t.x - t.width], [0, 0]]) as tf.Tensor4D
        })
        grad = accumulate(grad, g)
        await yieldToEventLoop()
      }
      tf.dispose(D.flat())
      for (const { p, i } of imageTerms) {
        const r = tf.tidy(() => tf.valueAndGrad((img: tf.Tensor) => p.value(img as tf.Tensor4D))(image))
        values[i] = r.value
        grad = accumulate(grad, r.grad as tf.Tensor4D)
      }
      const stacked = tf.tidy(() => tf.stack(values.map((v) => v ?? tf.scalar(0))))
      const data = await stacked.data()
      stacked.dispose()
      tf.dispose(values.filter((t): t is tf.Scalar => t !== null))
      const named = partsOf(terms, data)
      return { loss: totalOf(named), parts: named, grad: grad ?? tf.zerosLike(image) }
    },
    dispose
  }
}
