import * as tf from '@tensorflow/tfjs-core'

/**
 * Loss terms. Gatys et al. (2015) sum squared errors with 1/(4 N^2 M^2) for style and 1/2 for
 * content, so the balance of the terms shifts with image size and layer width. Here every term is
 * a ratio that does not depend on size or aspect ratio (issue: same weights, same balance):
 * - Gram matrices are averages over positions (divided by H*W), so they estimate the same
 *   statistic at any size;
 * - content: mean squared feature error divided by the mean squared target feature;
 * - style: squared Frobenius distance of Grams divided by the target Gram's squared norm;
 * - total variation: mean squared difference of neighbouring pixels (0..1 units), scaled by
 *   (long side / 256)^2 because neighbouring differences shrink linearly with resolution.
 */

const EPS = 1e-8

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

export function tvLoss(image: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [, h, w] = image.shape
    const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [-1, h - 1, -1, -1]), tf.slice(image, [0, 0, 0, 0], [-1, h - 1, -1, -1]))
    const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [-1, -1, w - 1, -1]), tf.slice(image, [0, 0, 0, 0], [-1, -1, w - 1, -1]))
    const scale = (Math.max(h, w) / 256) ** 2
    return tf.mul(tf.add(tf.mean(tf.square(dy)), tf.mean(tf.square(dx))), scale) as tf.Scalar
  })
}
