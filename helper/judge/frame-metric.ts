import type { RgbaImage } from '../../models/style-transfer/types.js'

/**
 * How far a result's outermost lines stray from the content's, against its inner lines: per side,
 * the mean luminance of line `off + k` (k = 0, 1) minus the mean of lines off + 3..off + 8 of that
 * side, result minus content (the content box-averaged to the result's size); the mean |.| over
 * the 4 sides and both k, in 0..255 levels. off = 0 measures the border (a frame shows there);
 * larger offsets measure the same statistic on interior lines, where there is no border.
 */
export function frameDeviation(result: RgbaImage, content: RgbaImage, off: number): number {
  const { width: W, height: H } = result
  const yr = luminance(result)
  const yc = boxResize(luminance(content), content.width, content.height, W, H)
  const line = (y: Float64Array, side: number, k: number): number => {
    let s = 0
    if (side < 2) {
      const row = side === 0 ? k : H - 1 - k
      for (let i = 0; i < W; i++) s += y[row * W + i] as number
      return s / W
    }
    const col = side === 2 ? k : W - 1 - k
    for (let j = 0; j < H; j++) s += y[j * W + col] as number
    return s / H
  }
  const relative = (y: Float64Array, side: number, k: number): number => {
    let inner = 0
    for (let j = 3; j < 9; j++) inner += line(y, side, off + j) / 6
    return line(y, side, off + k) - inner
  }
  let total = 0
  for (const k of [0, 1]) for (let side = 0; side < 4; side++) total += Math.abs(relative(yr, side, k) - relative(yc, side, k))
  return total / 8
}

function luminance(im: RgbaImage): Float64Array {
  const y = new Float64Array(im.width * im.height)
  for (let i = 0; i < y.length; i++) y[i] = 0.299 * (im.data[4 * i] as number) + 0.587 * (im.data[4 * i + 1] as number) + 0.114 * (im.data[4 * i + 2] as number)
  return y
}

function boxResize(y: Float64Array, w: number, h: number, W: number, H: number): Float64Array {
  const o = new Float64Array(W * H)
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const x0 = Math.floor((i * w) / W)
      const x1 = Math.max(x0 + 1, Math.floor(((i + 1) * w) / W))
      const y0 = Math.floor((j * h) / H)
      const y1 = Math.max(y0 + 1, Math.floor(((j + 1) * h) / H))
      let s = 0
      for (let b = y0; b < y1; b++) for (let a = x0; a < x1; a++) s += y[b * w + a] as number
      o[j * W + i] = s / ((x1 - x0) * (y1 - y0))
    }
  }
  return o
}
