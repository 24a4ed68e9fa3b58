import * as tf from '@tensorflow/tfjs-core'
import { int } from '../../models/style-transfer/terms/graph-ops.js'
import type { Term } from '../../models/style-transfer/terms/term.js'

/**
 * A term that is not in TERMS, written as a new term would be (one object: tfjs, tiled, ONNX):
 * w * mean((x - 0.5)^2) over the pixels, weighed by tvWeight (a test cannot add an option).
 * Tests add it to the list and check that every engine picks it up.
 */
export const brightnessTerm: Term = {
  name: 'brightness',
  weightOption: 'tvWeight',
  layers: () => [],
  prepare: async ({ options: o }) => ({ value: (_f, image) => value(image, o.tvWeight), dispose: () => undefined }),
  prepareTiled: async ({ options: o }) => ({ kind: 'image', value: (image) => value(image, o.tvWeight), dispose: () => undefined }),
  onnx: {
    targets: () => undefined,
    // k = w / (3 H W): the mean as a sum.
    feeds: ({ options: o, height, width }) => ({ k: { data: Float32Array.of(o.tvWeight / (3 * height * width)), dims: [] } }),
    emit({ g, input, image, addImageGrad }) {
      const k = input('k', [])
      const d = g.op('Sub', [image, g.constF([0.5])])
      addImageGrad(g.op('Mul', [d, g.op('Mul', [k, g.constF([2])])]))
      return g.op('Mul', [g.op('ReduceSumSquare', [d], { keepdims: int(0) }), k])
    }
  }
}

const value = (image: tf.Tensor4D, w: number): tf.Scalar => tf.mul(tf.mean(tf.square(tf.sub(image, 0.5))), w) as tf.Scalar
