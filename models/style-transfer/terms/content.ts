import * as tf from '@tensorflow/tfjs-core'
import { CHANNELS, featureSize } from '../../vgg19/layers.js'
import { contentLoss, EPS, maskedMeanSquare, meanSquareOf, readScalar } from '../losses.js'
import { crop, yieldToEventLoop } from '../tile-ops.js'
import { int } from './graph-ops.js'
import type { Term } from './term.js'

/**
 * Content: the mean squared error of the content layer's features against the content image's,
 * divided by the mean square of those target features (losses.ts contentLoss), over the opaque
 * positions only when the content has transparency.
 */
export const contentTerm: Term = {
  name: 'content',
  weightOption: 'contentWeight',
  layers: (o) => [o.contentLayer],

  async prepare({ vgg, content, options: o, contentMaskAt }) {
    const l = o.contentLayer
    const target = tf.tidy(() => vgg.extract(content, [l], o.pooling).get(l) as tf.Tensor4D)
    const norm = await maskedMeanSquare(target, contentMaskAt(l))
    return {
      value: (features) => tf.mul(contentLoss(features.get(l) as tf.Tensor4D, target, norm, contentMaskAt(l)), o.contentWeight) as tf.Scalar,
      dispose: () => target.dispose()
    }
  },

  // Tiled: the masked sum of squared errors is a sum over tile cores (each tile's target from the
  // content's own tile, so it sees the same margin context); normaliser and count are global.
  async prepareTiled({ vgg, content, options: o, tiles, count }) {
    const l = o.contentLayer
    const targets: tf.Tensor4D[] = []
    let squares = 0
    for (const p of tiles) {
      const t = tf.tidy(() => vgg.extract(crop(content, p.tile), [l], o.pooling).get(l) as tf.Tensor4D)
      targets.push(t)
      squares += await readScalar(tf.tidy(() => tf.sum(tf.mul(tf.square(t), p.masks.get(l) as tf.Tensor4D))))
      await yieldToEventLoop()
    }
    const positions = count(l) * CHANNELS[l]
    // The global masked mean square, as maskedMeanSquare computes for one pass.
    const norm = squares / positions + EPS
    const k = o.contentWeight / (positions * norm)
    return {
      kind: 'statistics',
      tileStatistics: (features, i) => [tf.sum(tf.mul(tf.squaredDifference(features.get(l) as tf.Tensor4D, targets[i] as tf.Tensor4D), tiles[i]?.masks.get(l) as tf.Tensor4D))],
      value: ([sum]) => tf.mul(sum as tf.Tensor, k) as tf.Scalar,
      dispose: () => tf.dispose(targets)
    }
  },

  // ONNX: value kC sum((F - T)^2) with kC = w_c / ((mean T^2 + eps) N); dF = 2 kC (F - T).
  onnx: {
    targets({ options: o, feature, output }) {
      const l = o.contentLayer
      output('features', feature(l), [1, CHANNELS[l], 'h_content', 'w_content'], 'content')
    },
    feeds({ options: o, height, width, content }) {
      const l = o.contentLayer
      const target = content.get('features')
      return {
        target: { data: target, dims: [1, CHANNELS[l], ...featureSize(height, width, l)] },
        k: { data: Float32Array.of(o.contentWeight / ((meanSquareOf(target) + EPS) * target.length)), dims: [] }
      }
    },
    emit({ g, options: o, input, feature, addFeatureGrad }) {
      const l = o.contentLayer
      const f = feature(l)
      const target = input('target', [1, f.channels, f.height, f.width])
      const k = input('k', [])
      const diff = g.op('Sub', [f.value, target])
      addFeatureGrad(l, g.op('Mul', [diff, g.op('Mul', [k, g.constF([2])])]))
      return g.op('Mul', [g.op('ReduceSumSquare', [diff], { keepdims: int(0) }), k])
    }
  }
}
