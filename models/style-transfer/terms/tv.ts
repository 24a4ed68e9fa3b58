import * as tf from '@tensorflow/tfjs-core'
import { areaWeights, viewSize } from '../area-resize.js'
import { TV_PIXEL_SHARE, TV_VIEW, tvLoss } from '../losses.js'
import { int, type GraphOps } from './graph-ops.js'
import type { Term } from './term.js'

/**
 * Total variation on the image itself (losses.ts tvLoss: the pixels' mean squared neighbour
 * difference scaled by (long side / TV_VIEW)^2, above TV_VIEW px half of it on the area-resampled
 * view). Cheap, so the tiled objective evaluates it on the whole image.
 */
export const tvTerm: Term = {
  name: 'tv',
  weightOption: 'tvWeight',
  layers: () => [],

  async prepare({ options: o }) {
    return { value: (_features, image) => tf.mul(tvLoss(image), o.tvWeight) as tf.Scalar, dispose: () => undefined }
  },

  async prepareTiled({ options: o }) {
    return { kind: 'image', value: (image) => tf.mul(tvLoss(image), o.tvWeight) as tf.Scalar, dispose: () => undefined }
  },

  // ONNX: the same sums, with the view as two MatMuls by constant area matrices A_h x A_w^T and
  // its gradient back through their transposes (A_h^T dV A_w). The weight is an input (k).
  onnx: {
    targets: () => undefined,
    feeds: ({ options: o }) => ({ k: { data: Float32Array.of(o.tvWeight), dims: [] } }),
    emit({ g, input, image, height, width, addImageGrad }) {
      const { loss, grad } = tvGraph(g, image, height, width, input('k', []))
      addImageGrad(grad)
      return loss
    }
  }
}

/**
 * c k (mean dy^2 + mean dx^2) of a 0..1 NCHW value of size h x w, and its gradient.
 * d/dx_i of k sum (x_{i+1} - x_i)^2 = 2k (d_{i-1} - d_i): the scaled differences, padded before
 * minus padded after.
 */
function neighbourTerm(g: GraphOps, img: string, h: number, w: number, c: number, k: string): { loss: string; grad: string } {
  const ny = 3 * (h - 1) * w
  const nx = 3 * h * (w - 1)
  const slice = (start: number, end: number, axis: number): string =>
    g.op('Slice', [img, g.constI64([start]), g.constI64([end]), g.constI64([axis])])
  const dyImg = g.op('Sub', [slice(1, h, 2), slice(0, h - 1, 2)])
  const dxImg = g.op('Sub', [slice(1, w, 3), slice(0, w - 1, 3)])
  const sum = g.op('Add', [
    g.op('Mul', [g.op('ReduceSumSquare', [dyImg], { keepdims: int(0) }), g.constF([c / ny])]),
    g.op('Mul', [g.op('ReduceSumSquare', [dxImg], { keepdims: int(0) }), g.constF([c / nx])])
  ])
  const gy = g.op('Mul', [dyImg, g.op('Mul', [k, g.constF([(2 * c) / ny])])])
  const gx = g.op('Mul', [dxImg, g.op('Mul', [k, g.constF([(2 * c) / nx])])])
  const pad = (v: string, pads: number[]): string => g.op('Pad', [v, g.constI64(pads)])
  const grad = g.op('Add', [
    g.op('Sub', [pad(gy, [0, 0, 1, 0, 0, 0, 0, 0]), pad(gy, [0, 0, 0, 0, 0, 0, 1, 0])]),
    g.op('Sub', [pad(gx, [0, 0, 0, 1, 0, 0, 0, 0]), pad(gx, [0, 0, 0, 0, 0, 0, 0, 1])])
  ])
  return { loss: g.op('Mul', [sum, k]), grad }
}

/** The pixel term, plus for images larger than TV_VIEW the term on the area-resampled view. */
function tvGraph(g: GraphOps, imageNchw: string, H: number, W: number, k: string): { loss: string; grad: string } {
  const pixelScale = (Math.max(H, W) / TV_VIEW) ** 2
  const view = viewSize(H, W, TV_VIEW)
  if (view === null) return neighbourTerm(g, imageNchw, H, W, pixelScale, k)
  const { height: h, width: w } = view
  const ah = areaWeights(H, h)
  const aw = areaWeights(W, w)
  const viewed = g.op('MatMul', [g.op('MatMul', [g.constMatrix('tv_ah', [h, H], ah), imageNchw]), g.constMatrix('tv_awt', [W, w], transposed(aw, w, W))])
  const pixels = neighbourTerm(g, imageNchw, H, W, TV_PIXEL_SHARE * pixelScale, k)
  const onView = neighbourTerm(g, viewed, h, w, 1 - TV_PIXEL_SHARE, k)
  const viewGrad = g.op('MatMul', [g.op('MatMul', [g.constMatrix('tv_aht', [H, h], transposed(ah, h, H)), onView.grad]), g.constMatrix('tv_aw', [w, W], aw)])
  return { loss: g.op('Add', [pixels.loss, onView.loss]), grad: g.op('Add', [pixels.grad, viewGrad]) }
}

/** The transpose of a rows x cols row-major matrix. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number
  return t
}
