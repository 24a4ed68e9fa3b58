import { readFile, writeFile } from 'node:fs/promises'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import type { RgbaImage } from '../models/style-transfer/types.js'
import { MAX_SIDE } from '../models/style-transfer/defaults.js'
import { ImageError } from '../models/style-transfer/image-tensor.js'

const isPng = (b: Uint8Array): boolean => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47
const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff

/** Decodes PNG (any colour type and depth, greyscale included) or JPEG bytes to RGBA. */
export function decodeImage(bytes: Uint8Array, what = 'image'): RgbaImage {
  if (bytes.length === 0) throw new ImageError(`${what} is empty (0 bytes)`)
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
      return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height }
    }
    if (isJpeg(bytes)) {
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: (MAX_SIDE * MAX_SIDE) / 1e6 })
      return { data: new Uint8ClampedArray(j.data.buffer, j.data.byteOffset, j.data.length), width: j.width, height: j.height }
    }
  } catch (e) {
    throw new ImageError(`${what} could not be decoded: ${(e as Error).message}`)
  }
  throw new ImageError(`${what} is not a PNG or JPEG file`)
}

export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height })
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length)
  return PNG.sync.write(png)
}

export async function readImageFile(path: string, what: string): Promise<RgbaImage> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (e) {
    throw new ImageError(`${what} image ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  return decodeImage(bytes, `${what} image ${path}`)
}

export async function writePngFile(path: string, image: RgbaImage): Promise<void> {
  await writeFile(path, encodePng(image))
}
