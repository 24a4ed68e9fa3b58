import * as tf from '@tensorflow/tfjs-core'
import { areaResize, viewSize } from './area-resize.js'

/**
 * Loss primitives (terms/ assembles them into the loss terms). Gatys et al. (2015) sum squared errors with 1/(4 N^2 M^2) for style and 1/2 for
 * content, so the balance of the terms shifts with image size and layer width. Here every term is
 * a ratio that does not depend on size or aspect ratio (issue: same weights, same balance):
 * - Gram matrices are averages over positions (divided by H*W), so they estimate the same
 *   statistic at any size;
 * - content: mean squared feature error divided by the mean squared target feature;
 * - style: squared Frobenius distance of Grams divided by the target Gram's squared norm;
 * - total variation: mean squared difference of neighbouring pixels (0..1 units), scaled by
 *   (long side / 256)^2; above 256 px half of it on a 256 px view of the image (see tvLoss).
 */

/** Keeps every normaliser away from 0 (an all-black target, an empty mask); shared by all engines. */
export const EPS = 1e-8

/** Normalised weights (sum 1). */
export function normalise(ws: readonly number[]): number[] {
  const total = ws.reduce((a, b) => a + b, 0)
  return ws.map((w) => w / total)
}

/** Each style image's share of the blended statistics: styleBlend normalised, or equal shares. */
export function styleShares(styleBlend: readonly number[], styles: number): number[] {
  return normalise(styleBlend.length === styles ? styleBlend : Array.from({ length: styles }, () => 1))
}

/** Mean square of plain floats (in float64), as meanSquare computes for a tensor. */
export function meanSquareOf(a: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (a[i] as number)
  return s / a.length
}

/**
 * Gram matrix of features [1, H, W, C] as F^T F / (H W), shape [C, C]. With a mask [1, H, W, 1]
 * in 0..1 (alpha brought to this layer's resolution), positions are weighted by it:
 * sum_p m_p f_p f_p^T / sum_p m_p, so transparent pixels add nothing to the statistics.
 */
export function gram(features: tf.Tensor4D, mask: tf.Tensor4D | null = null): tf.Tensor2D {
  return tf.tidy(() => {
    const [, h, w, c] = features.shape
    const f = tf.reshape(features, [h * w, c]) as tf.Tensor2D
    // matMul(transpose(F), F) rather than matMul(F, F, true): the wasm backend's transposed
    // matMul path measured slower than an explicit transpose.
    if (mask === null) return tf.div(tf.matMul(tf.transpose(f), f), h * w) as tf.Tensor2D
    const m = tf.reshape(mask, [h * w, 1])
    return tf.div(tf.matMul(tf.transpose(tf.mul(f, m)), f), tf.add(tf.sum(m), EPS)) as tf.Tensor2D
  })
}

/** Reads a scalar tensor and frees it. Async: WebGPU on Dawn (Node) has no synchronous read. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  try {
    return (await t.data())[0] as number
  } finally {
    t.dispose()
  }
}

/** Normaliser of a target: its mean square (content) or squared norm (Gram). Plain number. */
export function meanSquare(t: tf.Tensor): Promise<number> {
  return readScalar(tf.tidy(() => tf.mean(tf.square(t))))
}

/** Mean square of a target, over the masked positions when a mask is given. */
export function maskedMeanSquare(t: tf.Tensor4D, mask: tf.Tensor4D | null): Promise<number> {
  if (mask === null) return meanSquare(t)
  return readScalar(tf.tidy(() => tf.div(tf.sum(tf.mul(tf.square(t), mask)), tf.mul(tf.add(tf.sum(mask), EPS), t.shape[3]))))
}

export function contentLoss(features: tf.Tensor, target: tf.Tensor, targetMeanSquare: number, mask: tf.Tensor4D | null = null): tf.Scalar {
  return tf.tidy(() => {
    const sq = tf.squaredDifference(features, target)
    // Masked: the mean over opaque positions only, so transparent pixels do not pull the image.
    const mean = mask === null ? tf.mean(sq) : tf.div(tf.sum(tf.mul(sq, mask)), tf.mul(tf.add(tf.sum(mask), EPS), features.shape[3] as number))
    return tf.div(mean, targetMeanSquare + EPS) as tf.Scalar
  })
}

export function styleLoss(g: tf.Tensor2D, target: tf.Tensor2D, targetMeanSquare: number): tf.Scalar {
  return tf.tidy(() => tf.div(tf.mean(tf.squaredDifference(g, target)), targetMeanSquare + EPS) as tf.Scalar)
}

/**
 * Smoothness across output sizes. Gatys et al. (2015) have no TV term; Mahendran & Vedaldi (2015)
 * and the classic tools put it on the output's own pixels, scaled here by (long side / 256)^2 so
 * that a weight removes a similar share of pixel-level detail at any size. Seen on a fixed-size
 * view, that share changes as the output grows: the optimiser smooths the finest octave, which a
 * downscaled view does not show. A term on the area-resampled TV_VIEW px view alone overshoots
 * instead, because detail then escapes into the octaves the view does not see (and the pixels
 * get rougher than with no TV at all). So above TV_VIEW px the term is split, half on the pixels
 * and half on the view. Measured (onnx, Balanced, tv 100 against 0, neighbour energy at the
 * 256 px view; 256 px output: chelsea/starry -35%, astronaut/shipwreck -36%): 512 px output on
 * the pixels only -28% (chelsea), on the view only -55% and its pixels +5%, split -37% and -35.5%.
 * At 1024 px (chelsea) the split overshoots in share (-56%; pixels only -41%), but its smooth
 * result is nearer the smooth preview's own energy (513 and 678 against 312); see the README.
 * Below TV_VIEW px nothing changes, so smaller previews (Variations) show smoothness stronger.
 */
export const TV_VIEW = 256
export const TV_PIXEL_SHARE = 0.5

/** (mean dy^2 + mean dx^2) of [1, h, w, C]. */
function meanNeighbourSquare(x: tf.Tensor4D): tf.Scalar {
  const [, h, w] = x.shape
  const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [-1, h - 1, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, h - 1, -1, -1]))
  const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [-1, -1, w - 1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, -1, w - 1, -1]))
  return tf.add(tf.mean(tf.square(dy)), tf.mean(tf.square(dx))) as tf.Scalar
}

/**
 * Total variation: mean squared neighbour difference times (long side / TV_VIEW)^2 (neighbouring
 * differences of a smooth image shrink linearly as the resolution grows). Above TV_VIEW px, the
 * share 1 - TV_PIXEL_SHARE is measured on the image area-resampled to TV_VIEW px long side instead
 * (its scale is 1 there); the two formulas meet at exactly TV_VIEW px.
 */
export function tvLoss(image: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [, H, W] = image.shape
    const pixels = tf.mul(meanNeighbourSquare(image), (Math.max(H, W) / TV_VIEW) ** 2) as tf.Scalar
    const view = viewSize(H, W, TV_VIEW)
    if (view === null) return pixels
    const onView = meanNeighbourSquare(areaResize(image, view.height, view.width))
    return tf.add(tf.mul(pixels, TV_PIXEL_SHARE), tf.mul(onView, 1 - TV_PIXEL_SHARE)) as tf.Scalar
  })
}
