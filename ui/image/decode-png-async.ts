// This function uses the DOM and must be called from the UI context (the sandbox cannot decode).
import type { RgbaImage } from '../../models/style-transfer/index.js'

/** The bytes are not an image the browser can read (damaged file, unsupported format). */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError'
}

/** PNG (or any browser-readable image) bytes -> straight (non-premultiplied) 8-bit RGBA. */
export async function decodePngAsync(bytes: Uint8Array): Promise<RgbaImage> {
  let bitmap: ImageBitmap
  try {
    // colorSpaceConversion 'none': the sandbox exported sRGB already; premultiplyAlpha 'none' keeps
    // the colour of semi-transparent pixels exact.
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), {
      colorSpaceConversion: 'none', premultiplyAlpha: 'none'
    })
  } catch (error) {
    throw new ImageDecodeError(`the image data could not be decoded (${error instanceof Error ? error.message : String(error)})`)
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const context = canvas.getContext('2d', { willReadFrequently: true })
    if (context === null) throw new ImageDecodeError('this browser cannot draw images off screen')
    context.drawImage(bitmap, 0, 0)
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height)
    return { data: pixels.data, width: pixels.width, height: pixels.height }
  } finally {
    bitmap.close()
  }
}
