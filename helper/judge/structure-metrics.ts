import type { RgbaImage } from '../../models/style-transfer/types.js'

/*
 * Structure measures between a content image and a result of the same size, on luminance: the
 * SSIM of Wang et al. (2004) and the correlation of Sobel edge maps. Plain numbers, no tfjs, so
 * the judge's verdict does not depend on the engine it judges.
 */

/** Rec. 601 luma of each pixel, 0..255. */
export function luminance(image: RgbaImage): Float64Array {
  const { data, width, height } = image
  const y = new Float64Array(width * height)
  for (let i = 0; i < y.length; i++) {
    y[i] = 0.299 * (data[i * 4] as number) + 0.587 * (data[i * 4 + 1] as number) + 0.114 * (data[i * 4 + 2] as number)
  }
  return y
}

/** Normalised 1-D Gaussian of `radius` taps each side. */
function gaussian(sigma: number, radius: number): Float64Array {
  const k = new Float64Array(2 * radius + 1)
  let sum = 0
  for (let i = -radius; i <= radius; i++) sum += (k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma)))
  return k.map((v) => v / sum)
}

/** 'valid' separable convolution of a w x h plane: (w - 2r) x (h - 2r) out. */
function blur(plane: Float64Array, w: number, h: number, k: Float64Array): Float64Array {
  const r = (k.length - 1) / 2
  const ow = w - 2 * r
  const oh = h - 2 * r
  const rows = new Float64Array(ow * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0
      for (let i = 0; i < k.length; i++) s += (k[i] as number) * (plane[y * w + x + i] as number)
      rows[y * ow + x] = s
    }
  }
  const out = new Float64Array(ow * oh)
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0
      for (let i = 0; i < k.length; i++) s += (k[i] as number) * (rows[(y + i) * ow + x] as number)
      out[y * ow + x] = s
    }
  }
  return out
}

function sameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`images differ in size: ${a.width}x${a.height} and ${b.width}x${b.height}`)
}

/**
 * Mean SSIM of the luminance of a and b (same size): 11-tap Gaussian window, sigma 1.5,
 * K1 = 0.01, K2 = 0.03, L = 255, as in Wang et al. (2004). 1 for identical images.
 */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b)
  const { width: w, height: h } = a
  const k = gaussian(1.5, 5)
  if (w < k.length || h < k.length) throw new RangeError(`SSIM needs at least ${k.length}x${k.length} pixels, got ${w}x${h}`)
  const x = luminance(a)
  const y = luminance(b)
  const mul = (p: Float64Array, q: Float64Array): Float64Array => p.map((v, i) => v * (q[i] as number))
  const mx = blur(x, w, h, k)
  const my = blur(y, w, h, k)
  const sxx = blur(mul(x, x), w, h, k)
  const syy = blur(mul(y, y), w, h, k)
  const sxy = blur(mul(x, y), w, h, k)
  const c1 = (0.01 * 255) ** 2
  const c2 = (0.03 * 255) ** 2
  let sum = 0
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i] as number
    const uy = my[i] as number
    const vx = (sxx[i] as number) - ux * ux
    const vy = (syy[i] as number) - uy * uy
    const cxy = (sxy[i] as number) - ux * uy
    sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
  }
  return sum / mx.length
}

/** Sobel gradient magnitude of a plane, interior pixels only ((w-2) x (h-2)). */
export function sobelMagnitude(plane: Float64Array, w: number, h: number): Float64Array {
  const out = new Float64Array((w - 2) * (h - 2))
  const at = (x: number, y: number): number => plane[y * w + x] as number
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1)
      const gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1)
      out[(y - 1) * (w - 2) + (x - 1)] = Math.hypot(gx, gy)
    }
  }
  return out
}

/** Pearson correlation; 0 when either side is constant. */
export function correlation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const n = p.length
  let mp = 0
  let mq = 0
  for (let i = 0; i < n; i++) { mp += p[i] as number; mq += q[i] as number }
  mp /= n
  mq /= n
  let spq = 0
  let spp = 0
  let sqq = 0
  for (let i = 0; i < n; i++) {
    const dp = (p[i] as number) - mp
    const dq = (q[i] as number) - mq
    spq += dp * dq
    spp += dp * dp
    sqq += dq * dq
  }
  return spp === 0 || sqq === 0 ? 0 : spq / Math.sqrt(spp * sqq)
}

/** Correlation of the Sobel edge maps of a's and b's luminance (same size): 1 = same edges. */
export function edgeCorrelation(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b)
  const { width: w, height: h } = a
  return correlation(sobelMagnitude(luminance(a), w, h), sobelMagnitude(luminance(b), w, h))
}
