import * as tf from '@tensorflow/tfjs-core'

/**
 * Area (box) resampling written as two small matrix products, so that it is differentiable in tfjs
 * and can be written the same way in the ONNX graph (helper/onnx/gatys-graph.ts). Used to measure
 * smoothness on a fixed-size view of the image (losses.ts tvLoss).
 */

/**
 * The m x n matrix (row-major) that area-resamples n samples to m <= n: output i averages the input
 * interval [i n/m, (i+1) n/m), each input sample weighted by how much of it lies in that interval.
 * Every row sums to 1.
 */
export function areaWeights(n: number, m: number): Float32Array {
  if (!Number.isInteger(n) || !Number.isInteger(m) || m < 1 || m > n) throw new Error(`area resampling needs 1 <= m <= n, got ${m} from ${n}`)
  const a = new Float32Array(m * n)
  const step = n / m
  for (let i = 0; i < m; i++) {
    const lo = i * step
    const hi = (i + 1) * step
    for (let j = Math.floor(lo); j < Math.min(n, Math.ceil(hi)); j++) {
      const overlap = Math.min(hi, j + 1) - Math.max(lo, j)
      if (overlap > 0) a[i * n + j] = overlap / step
    }
  }
  return a
}

/**
 * The size of the view whose long side is `long` (aspect kept, each side rounded, at least 2 where
 * the image has 2, so neighbour differences exist), or null when the image is not larger.
 */
export function viewSize(height: number, width: number, long: number): { height: number; width: number } | null {
  const side = Math.max(height, width)
  if (side <= long) return null
  const fit = (s: number): number => Math.min(s, Math.max(2, Math.round((s * long) / side)))
  return { height: fit(height), width: fit(width) }
}

/**
 * areaWeights for the few (n, m) pairs of a run: the TV term asks for the same two matrices at
 * every iteration of a scale, so they are built once (a 1024 -> 256 matrix is 1 MB).
 */
const recent = new Map<string, Float32Array>()
function cachedAreaWeights(n: number, m: number): Float32Array {
  const key = `${n}>${m}`
  let a = recent.get(key)
  if (a === undefined) {
    a = areaWeights(n, m)
    // A handful covers a run's scales (two sides each); older ones go first.
    if (recent.size >= 8) recent.delete(recent.keys().next().value as string)
    recent.set(key, a)
  }
  return a
}

/** Area-resamples [1, H, W, C] to [1, h, w, C] (h <= H, w <= W) with two matMuls. */
export function areaResize(image: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W, C] = image.shape
    const ah = tf.tensor2d(cachedAreaWeights(H, height), [height, H])
    const aw = tf.tensor2d(cachedAreaWeights(W, width), [width, W])
    // Rows: [h, H] x [H, W*C]; then columns, with the width axis brought to the front.
    const rows = tf.reshape(tf.matMul(ah, tf.reshape(image, [H, W * C])), [height, W, C])
    const cols = tf.matMul(aw, tf.reshape(tf.transpose(rows, [1, 0, 2]), [W, height * C]))
    return tf.reshape(tf.transpose(tf.reshape(cols, [width, height, C]), [1, 0, 2]), [1, height, width, C]) as tf.Tensor4D
  })
}
