import { readFile, writeFile } from 'node:fs/promises'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import type { RgbaImage } from '../models/style-transfer/types.js'
import { MAX_SIDE } from '../models/style-transfer/defaults.js'
import { ImageError } from '../models/style-transfer/image-tensor.js'
import { ImageRefusal, inflatePngData, readJpegSize, readPngHeader, type ImageLimits } from './image-header.js'

export { ImageRefusal, type ImageLimits } from './image-header.js'

const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff

/** The command line's limits: the engine's largest side, and no more pixels than a square of it. */
export const DEFAULT_LIMITS: ImageLimits = { maxSide: MAX_SIDE, maxPixels: MAX_SIDE * MAX_SIDE }

/**
 * Decodes a PNG after a strict chunk walk and a bounded inflate (helper/image-header.ts): the
 * size decoded is the size checked, and a bomb stops at the bytes its declared size needs.
 */
export function decodePng(bytes: Uint8Array, what: string, limits: ImageLimits = DEFAULT_LIMITS): RgbaImage {
  const header = readPngHeader(bytes, what, limits)
  inflatePngData(header, what) // refuses bombs and short data before pngjs allocates anything
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
    if (png.width !== header.width || png.height !== header.height) throw new Error(`decoded as ${png.width}x${png.height}`)
    return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height }
  } catch (e) {
    throw new ImageRefusal(`${what} could not be decoded as PNG (${(e as Error).message.split('\n')[0] ?? 'corrupt data'}).`)
  }
}

/** Decodes a JPEG after reading its one SOF's size; jpeg-js is held to the same pixel and memory caps. */
export function decodeJpeg(bytes: Uint8Array, what: string, limits: ImageLimits = DEFAULT_LIMITS): RgbaImage {
  readJpegSize(bytes, what, limits)
  try {
    const j = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      // RGBA output plus jpeg-js's component planes, about 2x the output, and some slack.
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 4 * 2) / 2 ** 20) + 32,
    })
    return { data: new Uint8ClampedArray(j.data.buffer, j.data.byteOffset, j.data.length), width: j.width, height: j.height }
  } catch (e) {
    throw new ImageRefusal(`${what} could not be decoded as JPEG (${(e as Error).message.split('\n')[0] ?? 'corrupt data'}).`)
  }
}

const isPngStart = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47

/** Decodes PNG (any colour type and depth, greyscale included) or JPEG bytes to RGBA: the one path for the helper and the command line. */
export function decodeImage(bytes: Uint8Array, what = 'image', limits: ImageLimits = DEFAULT_LIMITS): RgbaImage {
  if (bytes.length === 0) throw new ImageError(`${what} is empty (0 bytes)`)
  if (isPngStart(bytes)) return decodePng(bytes, what, limits)
  if (isJpeg(bytes)) return decodeJpeg(bytes, what, limits)
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
