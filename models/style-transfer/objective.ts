import * as tf from '@tensorflow/tfjs-core'
import { partsOf, termLayers, TERMS, totalOf } from './terms/index.js'
import type { PreparedTerm, Term } from './terms/term.js'
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

export { normalise } from './losses.js'
export { styleTargets } from './terms/style.js'

/**
 * The tfjs objective: every term of `terms` (default TERMS) prepares its targets once per scale;
 * each evaluation extracts the features all of them read in one pass and differentiates the sum.
 */
export function createTfjsObjective(vgg: Vgg19Features, terms: readonly Term[] = TERMS): ObjectiveFactory {
  const factory: ObjectiveFactory = async ({ content, styles, options: o, contentMask = null, styleMasks = [] }) => {
    const layers = termLayers(terms, o)
    // The content mask at every layer's resolution, kept for the whole scale (not in a tidy: tidy
    // does not look inside a Map and would free them).
    const masks = contentMask === null ? null : maskPyramid(contentMask, layers)
    const contentMaskAt = (l: ConvLayerName): tf.Tensor4D | null => masks?.get(l) ?? null
    const prepared: PreparedTerm[] = []
    const dispose = (): void => {
      for (const p of prepared) p.dispose()
      if (masks !== null) for (const m of new Set(masks.values())) if (m !== contentMask) m.dispose()
    }
    try {
      for (const term of terms) prepared.push(await term.prepare({ vgg, content, styles, options: o, contentMaskAt, styleMasks }))
    } catch (e) {
      dispose()
      throw e
    }

    const lossFn = (img: tf.Tensor, keepParts: (p: tf.Tensor) => void): tf.Scalar => {
      const feats = vgg.extract(img as tf.Tensor4D, layers, o.pooling)
      const values = prepared.map((p) => p.value(feats, img as tf.Tensor4D))
      keepParts(tf.keep(tf.stack(values)))
      return tf.addN(values) as tf.Scalar
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
        const named = partsOf(terms, values)
        return { loss: totalOf(named), parts: named, grad }
      },
      dispose
    }
  }
  factory.supportsMasks = true
  return factory
}
