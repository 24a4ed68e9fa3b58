import * as tf from '@tensorflow/tfjs-core'
import { MAX_SIDE, MIN_SIDE } from './defaults.js'
import type { RgbaImage } from './types.js'

export class ImageError extends Error {
  override name = 'ImageError'
}

/** Throws an ImageError with a sentence when `image` cannot be used. */
export function checkImage(image: RgbaImage | undefined, what: string): void {
  if (image === undefined || image === null || typeof image !== 'object') throw new ImageError(`${what} image is missing`)
  const { width, height, data } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError(`${what} image has no pixels (${String(width)}x${String(height)})`)
  }
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new ImageError(`${what} image is ${width}x${height}; the largest side accepted is ${MAX_SIDE} px`)
  }
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new ImageError(`${what} image is ${width}x${height}; each side must be at least ${MIN_SIDE} px`)
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray) || data.length !== width * height * 4) {
    throw new ImageError(`${what} image data must be ${width * height * 4} RGBA bytes, got ${data?.length ?? 'none'}`)
  }
}

/** RGB of an RGBA image as a [1, H, W, 3] tensor in 0..1 (alpha dropped). */
export function rgbTensor(image: RgbaImage): tf.Tensor4D {
  return tf.tidy(() => {
    const rgba = tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 4])
    return tf.div(tf.slice(rgba, [0, 0, 0, 0], [-1, -1, -1, 3]), 255) as tf.Tensor4D
  })
}

/** Alpha channel of an RGBA image, or null when every pixel is opaque. */
export function alphaChannel(image: RgbaImage): Uint8Array | null {
  const n = image.width * image.height
  let opaque = true
  const a = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const v = image.data[i * 4 + 3] as number
    a[i] = v
    if (v !== 255) opaque = false
  }
  return opaque ? null : a
}

/**
 * Resizes a [1, H, W, C] tensor. Bilinear sampling aliases when shrinking by more than 2x, so
 * big reductions first halve by 2x2 average pooling (an area filter) until within 2x.
 */
export function resize(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x
    while (y.shape[1] >= 2 * height && y.shape[2] >= 2 * width) {
      y = tf.avgPool(y, 2, 2, 'valid')
    }
    if (y.shape[1] === height && y.shape[2] === width) return tf.clone(y)
    return tf.image.resizeBilinear(y, [height, width], true)
  })
}

/** A [1, H, W, 3] tensor in 0..1 back to RGBA bytes, with an optional alpha channel. */
export async function toRgbaImage(x: tf.Tensor4D, alpha: Uint8Array | null): Promise<RgbaImage> {
  const [, height, width] = x.shape
  const rgb = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255)))
  const values = await rgb.data()
  rgb.dispose()
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    data[i * 4] = values[j] as number
    data[i * 4 + 1] = values[j + 1] as number
    data[i * 4 + 2] = values[j + 2] as number
    data[i * 4 + 3] = alpha === null ? 255 : (alpha[i] as number)
  }
  return { data, width, height }
}

/** Resizes a plain alpha plane with bilinear sampling (for putting alpha back at output size). */
export async function resizeAlpha(alpha: Uint8Array, width: number, height: number, outW: number, outH: number): Promise<Uint8Array> {
  const r = tf.tidy(() => tf.round(tf.clipByValue(resize(tf.tensor4d(Float32Array.from(alpha), [1, height, width, 1]), outH, outW), 0, 255)))
  try {
    return Uint8Array.from(await r.data())
  } finally {
    r.dispose()
  }
}
