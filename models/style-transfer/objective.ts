import * as tf from '@tensorflow/tfjs-core'
import { contentLoss, gram, maskedMeanSquare, meanSquare, styleLoss, tvLoss } from './losses.js'
import type { Evaluation } from './optimizers.js'
import type { AbortSignalLike, ConvLayerName, StyleTransferOptions } from './types.js'
import { maskPyramid, type Vgg19Features } from '../vgg19/features.js'

/**
 * The Gatys objective at one scale: targets computed once, then loss and image gradient on
 * demand. The engine only sees this interface, so another evaluator (a native graph) can stand in.
 */
export interface Objective {
  evaluate(x: tf.Tensor): Promise<Evaluation>
  dispose(): void
}

export interface ObjectiveInputs {
  /** Content image at this scale, [1, H, W, 3] in 0..1. */
  content: tf.Tensor4D
  /** Style images at this scale, each [1, h, w, 3] in 0..1, with their blend weights. */
  styles: readonly tf.Tensor4D[]
  options: StyleTransferOptions
  /**
   * Alpha masks [1, H, W, 1] in 0..1, null where the image is fully opaque. Only the tfjs
   * objective reads them; a factory that cannot must set `supportsMasks: false`.
   */
  contentMask?: tf.Tensor4D | null
  styleMasks?: ReadonlyArray<tf.Tensor4D | null>
  /**
   * The run's abort signal. An evaluation long enough to matter (tiles of a big image) checks it
   * as it goes and rejects with EvaluationAborted; the engine then keeps the last image.
   */
  signal?: AbortSignalLike
}

/** An evaluation given up because the run was aborted; everything it made is already freed. */
export class EvaluationAborted extends Error {
  constructor() {
    super('evaluation aborted')
    this.name = 'EvaluationAborted'
  }
}

export type ObjectiveFactory = ((inputs: ObjectiveInputs) => Promise<Objective>) & { supportsMasks?: boolean }

/** Normalised weights (sum 1). */
export function normalise(ws: readonly number[]): number[] {
  const total = ws.reduce((a, b) => a + b, 0)
  return ws.map((w) => w / total)
}

/** Style targets: per layer, the blend of the styles' Gram matrices (statistics, not images). */
export function styleTargets(vgg: Vgg19Features, styles: readonly tf.Tensor4D[], o: StyleTransferOptions, masks: ReadonlyArray<tf.Tensor4D | null> = []): tf.Tensor2D[] {
  const blend = normalise(o.styleBlend.length === styles.length ? o.styleBlend : styles.map(() => 1))
  return tf.tidy(() => {
    const sums = o.styleLayers.map(() => null as tf.Tensor2D | null)
    styles.forEach((style, i) => {
      const feats = vgg.extract(style, o.styleLayers, o.pooling)
      const mask = masks[i] ?? null
      const pyramid = mask === null ? null : maskPyramid(mask, o.styleLayers)
      o.styleLayers.forEach((l, j) => {
        const g = tf.mul(gram(feats.get(l) as tf.Tensor4D, pyramid?.get(l) ?? null), blend[i] as number) as tf.Tensor2D
        const prev = sums[j] ?? null
        sums[j] = prev === null ? g : (tf.add(prev, g) as tf.Tensor2D)
      })
    })
    return sums as tf.Tensor2D[]
  })
}

export function createTfjsObjective(vgg: Vgg19Features): ObjectiveFactory {
  const factory: ObjectiveFactory = async ({ content, styles, options: o, contentMask = null, styleMasks = [] }) => {
    const layers = [...new Set([o.contentLayer, ...o.styleLayers])]
    // The content mask at every layer's resolution, kept for the whole scale (not in a tidy: tidy
    // does not look inside a Map and would free them).
    const masks = contentMask === null ? null : maskPyramid(contentMask, layers)
    const maskAt = (l: ConvLayerName): tf.Tensor4D | null => masks?.get(l) ?? null
    const contentTarget = tf.tidy(() => vgg.extract(content, [o.contentLayer], o.pooling).get(o.contentLayer) as tf.Tensor4D)
    const grams = styleTargets(vgg, styles, o, styleMasks)
    const contentNorm = await maskedMeanSquare(contentTarget, maskAt(o.contentLayer))
    const gramNorms = await Promise.all(grams.map(meanSquare))
    const layerWeights = normalise(o.styleLayerWeights)

    const lossFn = (img: tf.Tensor, keepParts: (p: tf.Tensor) => void): tf.Scalar => {
      const feats = vgg.extract(img as tf.Tensor4D, layers, o.pooling)
      const c = tf.mul(contentLoss(feats.get(o.contentLayer) as tf.Tensor, contentTarget, contentNorm, maskAt(o.contentLayer)), o.contentWeight)
      let s: tf.Tensor = tf.scalar(0)
      o.styleLayers.forEach((l, j) => {
        const term = styleLoss(gram(feats.get(l) as tf.Tensor4D, maskAt(l)), grams[j] as tf.Tensor2D, gramNorms[j] as number)
        s = tf.add(s, tf.mul(term, (layerWeights[j] as number) * o.styleWeight))
      })
      const tv = tf.mul(tvLoss(img as tf.Tensor4D), o.tvWeight)
      keepParts(tf.keep(tf.stack([c, s, tv])))
      return tf.addN([c, s, tv]) as tf.Scalar
    }

    return {
      async evaluate(x) {
        let parts: tf.Tensor | null = null
        const grad = tf.tidy(() => {
          const { grad: g } = tf.valueAndGrad((img: tf.Tensor) => lossFn(img, (p) => { parts = p }))(x)
          return g
        })
        const p = parts as unknown as tf.Tensor
        const values = await p.data()
        p.dispose()
        const triple = [values[0] as number, values[1] as number, values[2] as number] as const
        return { loss: triple[0] + triple[1] + triple[2], parts: triple, grad }
      },
      dispose() {
        contentTarget.dispose()
        for (const g of grams) g.dispose()
        if (masks !== null) for (const m of new Set(masks.values())) if (m !== contentMask) m.dispose()
      }
    }
  }
  factory.supportsMasks = true
  return factory
}
