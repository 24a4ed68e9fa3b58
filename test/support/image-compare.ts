import { areaResize, viewSize } from '../../models/style-transfer/area-resize.js'
import { rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { tf } from './tf.js'

/**
 * Image measures for "preview equals final": a final is area-downscaled to the preview's view and
 * compared there by colour histogram and by neighbour-difference energy (how much fine detail).
 */

/** The image area-resampled to `long` px long side (itself when not larger). */
export async function viewOf(image: RgbaImage, long: number): Promise<RgbaImage> {
  const size = viewSize(image.height, image.width, long)
  if (size === null) return image
  const t = tf.tidy(() => areaResize(rgbTensor(image), size.height, size.width))
  try {
    return await toRgbaImage(t, null)
  } finally {
    t.dispose()
  }
}

/**
 * Mean squared difference of vertical and horizontal neighbours, averaged, in 0..255 levels
 * squared: 0 for a flat image, about 2 * 255^2 / 6 = 21675 for uniform noise.
 */
export function neighbourEnergy(image: RgbaImage): number {
  const { data, width, height } = image
  let sum = 0
  let n = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      for (let k = 0; k < 3; k++) {
        const v = data[i + k] as number
        if (x + 1 < width) { sum += (v - (data[i + 4 + k] as number)) ** 2; n++ }
        if (y + 1 < height) { sum += (v - (data[i + width * 4 + k] as number)) ** 2; n++ }
      }
    }
  }
  return n === 0 ? 0 : sum / n
}

/**
 * Colour histogram distance: per channel, `bins` bins normalised to 1; the total-variation
 * distance (half the L1 difference, 0 = same histogram, 1 = disjoint), averaged over R, G, B.
 */
export function histogramDistance(a: RgbaImage, b: RgbaImage, bins = 16): number {
  const hist = (img: RgbaImage): Float64Array[] => {
    const h = [0, 1, 2].map(() => new Float64Array(bins))
    const n = img.width * img.height
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) (h[k] as Float64Array)[Math.min(bins - 1, Math.floor(((img.data[i * 4 + k] as number) * bins) / 256))]! += 1 / n
    }
    return h
  }
  const ha = hist(a)
  const hb = hist(b)
  let d = 0
  for (let k = 0; k < 3; k++) for (let j = 0; j < bins; j++) d += Math.abs((ha[k] as Float64Array)[j]! - (hb[k] as Float64Array)[j]!)
  return d / 2 / 3
}
