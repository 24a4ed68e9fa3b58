// This function uses the DOM and must be called from the UI context.
import type { RgbaImage } from '../../models/style-transfer/index.js'

/** Straight 8-bit RGBA -> PNG bytes, via an OffscreenCanvas. */
export async function encodePngAsync(image: RgbaImage): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(image.width, image.height)
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('this browser cannot draw images off screen')
  const data = new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.length)
  context.putImageData(new ImageData(data, image.width, image.height), 0, 0)
  const blob = await canvas.convertToBlob({ type: 'image/png' })
  return new Uint8Array(await blob.arrayBuffer())
}
