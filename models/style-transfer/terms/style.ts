import * as tf from '@tensorflow/tfjs-core'
import { CHANNELS, featureSize } from '../../vgg19/layers.js'
import { maskPyramid, type Vgg19Features } from '../../vgg19/features.js'
import { EPS, gram, meanSquare, meanSquareOf, normalise, styleLoss, styleShares } from '../losses.js'
import { accumulate, gramSum, tiledGrams } from '../tile-ops.js'
import type { StyleTransferOptions } from '../types.js'
import { float, int } from './graph-ops.js'
import type { Term } from './term.js'

/**
 * Style: per style layer, the squared Frobenius distance of the image's Gram matrix to the
 * blended style Grams, divided by the target's squared norm (losses.ts styleLoss), weighted by
 * the normalised styleLayerWeights. Gram matrices are averages over positions (masked by alpha).
 */

/** Style targets: per layer, the blend of the styles' Gram matrices (statistics, not images). */
export function styleTargets(vgg: Vgg19Features, styles: readonly tf.Tensor4D[], o: StyleTransferOptions, masks: ReadonlyArray<tf.Tensor4D | null> = []): tf.Tensor2D[] {
  const blend = styleShares(o.styleBlend, styles.length)
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

export const styleTerm: Term = {
  name: 'style',
  weightOption: 'styleWeight',
  layers: (o) => o.styleLayers,

  async prepare({ vgg, styles, options: o, contentMaskAt, styleMasks }) {
    const grams = styleTargets(vgg, styles, o, styleMasks)
    const norms = await Promise.all(grams.map(meanSquare))
    const layerWeights = normalise(o.styleLayerWeights)
    return {
      value(features) {
        let s: tf.Tensor = tf.scalar(0)
        o.styleLayers.forEach((l, j) => {
          const term = styleLoss(gram(features.get(l) as tf.Tensor4D, contentMaskAt(l)), grams[j] as tf.Tensor2D, norms[j] as number)
          s = tf.add(s, tf.mul(term, (layerWeights[j] as number) * o.styleWeight))
        })
        return s as tf.Scalar
      },
      dispose: () => tf.dispose(grams)
    }
  },

  // Tiled: the image's Gram at a layer is the sum of its tiles' core Grams over the positions that
  // count; the targets are the styles' whole-image Grams, tiled too when a style is big.
  async prepareTiled({ vgg, styles, options: o, styleMasks, tiles, tiling, count }) {
    const blend = styleShares(o.styleBlend, styles.length)
    let targets: tf.Tensor2D[] | null = null
    for (let i = 0; i < styles.length; i++) {
      const grams = await tiledGrams(vgg, styles[i] as tf.Tensor4D, styleMasks[i] ?? null, o.styleLayers, o.pooling, tiling)
      const weighted = grams.map((g) => { const w = tf.mul(g, blend[i] as number) as tf.Tensor2D; g.dispose(); return w })
      targets = targets === null ? weighted : targets.map((t, j) => accumulate(t, weighted[j] as tf.Tensor2D))
    }
    const T = targets ?? []
    const norms = await Promise.all(T.map(meanSquare))
    const layerWeights = normalise(o.styleLayerWeights)
    return {
      kind: 'statistics',
      tileStatistics: (features, i) => o.styleLayers.map((l) => gramSum(features.get(l) as tf.Tensor4D, tiles[i]?.masks.get(l) as tf.Tensor4D)),
      value: (sums) => tf.addN(sums.map((s, j) => {
        const l = o.styleLayers[j] as (typeof o.styleLayers)[number]
        const g = tf.div(s, count(l))
        return tf.mul(tf.div(tf.mean(tf.squaredDifference(g, T[j] as tf.Tensor2D)), (norms[j] as number) + EPS), (layerWeights[j] as number) * o.styleWeight)
      })) as tf.Scalar,
      dispose: () => tf.dispose(T)
    }
  },

  // ONNX, one entry per style layer (duplicates included, as the tfjs loop does):
  //   style_j = kS_j sum((G_j - Gt_j)^2), G = F F^T / (HW), kS_j = a_j w_s / ((mean Gt^2 + eps) C^2);
  //   dF = 4 kS/(HW) (G - Gt) F  (G symmetric).
  onnx: {
    targets({ g, options: o, feature, output }) {
      for (const l of new Set(o.styleLayers)) {
        const c = CHANNELS[l]
        const f = g.op('Reshape', [feature(l), g.constI64([c, -1])])
        // Unnormalised F F^T: divided by h w in feeds, where each style's size is known.
        output(`gram_raw_${l}`, g.op('Gemm', [f, f], { transB: int(1) }), [c, c], 'styles')
      }
    },
    // The Gram normalisation by h w and the blend are done in float64, as styleTargets does in float32.
    feeds({ options: o, styles }) {
      const blend = styleShares(o.styleBlend, styles.length)
      const grams = new Map([...new Set(o.styleLayers)].map((l) => {
        const acc = new Float64Array(CHANNELS[l] ** 2)
        styles.forEach((s, i) => {
          const [fh, fw] = featureSize(s.height, s.width, l)
          const k = (blend[i] as number) / (fh * fw)
          const raw = s.get(`gram_raw_${l}`)
          for (let q = 0; q < raw.length; q++) acc[q] = (acc[q] as number) + (raw[q] as number) * k
        })
        return [l, Float32Array.from(acc)]
      }))
      const layerWeights = normalise(o.styleLayerWeights)
      return Object.fromEntries(o.styleLayers.flatMap((l, j) => {
        const gt = grams.get(l) as Float32Array
        const c = CHANNELS[l]
        const k = ((layerWeights[j] as number) * o.styleWeight) / ((meanSquareOf(gt) + EPS) * c * c)
        return [[`target_${j}`, { data: gt, dims: [c, c] }], [`k_${j}`, { data: Float32Array.of(k), dims: [] }]]
      }))
    },
    emit({ g, options: o, input, feature, addFeatureGrad }) {
      const losses = o.styleLayers.map((l, j) => {
        const { value, channels: c, height: h, width: w } = feature(l)
        const hw = h * w
        const f = g.op('Reshape', [value, g.constI64([c, hw])])
        const e = g.op('Sub', [g.op('Gemm', [f, f], { transB: int(1), alpha: float(1 / hw) }), input(`target_${j}`, [c, c])])
        const k = input(`k_${j}`, [])
        // Scale the small C x C matrix rather than the C x HW product.
        const df = g.op('MatMul', [g.op('Mul', [e, g.op('Mul', [k, g.constF([4 / hw])])]), f])
        addFeatureGrad(l, g.op('Reshape', [df, g.constI64([1, c, h, w])]))
        return g.op('Mul', [g.op('ReduceSumSquare', [e], { keepdims: int(0) }), k])
      })
      return losses.length === 1 ? (losses[0] as string) : g.op('Sum', losses)
    }
  }
}
