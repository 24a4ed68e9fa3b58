import type { RgbaImage } from '../../models/style-transfer/types.js'

/** White space between the images of a row and between rows, in pixels. */
export const GAP = 4

/**
 * A contact sheet: each row's images left to right (content, style, result, reference), top
 * aligned, GAP px of white between them and between rows; transparent pixels are shown on white.
 * The judge writes one for the bench so the numbers can be read against the pictures.
 */
export function sideBySide(rows: ReadonlyArray<readonly RgbaImage[]>): RgbaImage {
  const widths = rows.map((r) => r.reduce((s, im) => s + im.width, 0) + GAP * Math.max(0, r.length - 1))
  const heights = rows.map((r) => Math.max(0, ...r.map((im) => im.height)))
  const width = Math.max(1, ...widths)
  const height = Math.max(1, heights.reduce((s, h) => s + h, 0) + GAP * Math.max(0, rows.length - 1))
  const data = new Uint8ClampedArray(width * height * 4).fill(255)
  let y0 = 0
  rows.forEach((row, r) => {
    let x0 = 0
    for (const im of row) {
      for (let y = 0; y < im.height; y++) {
        for (let x = 0; x < im.width; x++) {
          const i = (y * im.width + x) * 4
          const o = ((y0 + y) * width + x0 + x) * 4
          const a = (im.data[i + 3] as number) / 255
          for (let c = 0; c < 3; c++) data[o + c] = Math.round((im.data[i + c] as number) * a + 255 * (1 - a))
        }
      }
      x0 += im.width + GAP
    }
    y0 += (heights[r] as number) + GAP
  })
  return { width, height, data }
}
