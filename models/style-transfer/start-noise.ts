import * as tf from '@tensorflow/tfjs-core'
import { createRng } from './rng.js'

/**
 * Cells of start noise along the image's long side. Per-pixel (white) noise is what the paper's
 * random start used (Gatys et al. 2015 start from white noise); from the content, though, the
 * optimiser and the smoothness and detail terms wipe it out within a few steps, and seeds gave
 * near-identical images (4x-downscaled RMS between Variations 0.15 of that between two styles'
 * results, measured on the public pairs at 96 px). Smooth noise on a coarse grid survives: it
 * moves where strokes and colours settle. A fixed count, not a fixed cell size, gives the same
 * pattern at a Variation's 96 px and at the full run's first scale, so the picked preview
 * predicts the result.
 */
export const NOISE_CELLS = 12

/** The content plus seeded smooth noise (uniform in ±amplitude on the grid, bilinear between), clipped to 0..1. */
export function addStartNoise(x: tf.Tensor4D, amplitude: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed)
  const [, h, w, c] = x.shape
  const cell = Math.max(h, w) / NOISE_CELLS
  // One more sample than cells so that both edges have their own (align-corners resize).
  const gh = Math.max(2, Math.round(h / cell) + 1)
  const gw = Math.max(2, Math.round(w / cell) + 1)
  const noise = new Float32Array(gh * gw * c)
  for (let i = 0; i < noise.length; i++) noise[i] = (rng() * 2 - 1) * amplitude
  return tf.tidy(() => {
    const smooth = tf.image.resizeBilinear(tf.tensor4d(noise, [1, gh, gw, c]), [h, w], true)
    return tf.clipByValue(tf.add(x, smooth), 0, 1) as tf.Tensor4D
  })
}
