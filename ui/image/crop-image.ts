import type { RgbaImage } from '../../models/style-transfer/index.js'
import type { TileRect } from '../../plugin/messages.js'

/** Copies one rectangle out of an RGBA image (pure; used to cut results into tiles). */
export function cropImage(image: RgbaImage, rect: TileRect): RgbaImage {
  const data = new Uint8ClampedArray(rect.width * rect.height * 4)
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * image.width + rect.x) * 4
    data.set(image.data.subarray(from, from + rect.width * 4), row * rect.width * 4)
  }
  return { data, width: rect.width, height: rect.height }
}
