import { inflateSync } from 'node:zlib'
import { ImageError } from '../models/style-transfer/image-tensor.js'

/**
 * A file refused before (or while) decoding. `tooLarge` tells the helper to answer with its
 * 'image-too-large' code instead of 'bad-image'.
 */
export class ImageRefusal extends ImageError {
  override name = 'ImageRefusal'
  constructor(message: string, readonly tooLarge = false) {
    super(message)
  }
}

export interface ImageLimits {
  /** Most pixels per side. */
  maxSide: number
  /** Most pixels in all (width * height). */
  maxPixels: number
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** The PNG chunk CRC (zlib's CRC-32) over bytes[start, end). Node 20 has no zlib.crc32. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export interface PngHeader {
  width: number
  height: number
  bitDepth: number
  colorType: number
  interlaced: boolean
  /** What the image data must inflate to, exactly, for the declared size (filter bytes included). */
  expectedBytes: number
  /** The IDAT chunks' data, concatenated. */
  idat: Uint8Array
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] }
// Adam7: [x start, y start, x step, y step] of the seven passes.
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const

function scanlineBytes(width: number, bitsPerPixel: number): number {
  return width === 0 ? 0 : 1 + Math.ceil((width * bitsPerPixel) / 8)
}

/** The inflated size of the image data: rows of (filter byte + packed pixels), per Adam7 pass if interlaced. */
export function expectedPngBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return height * scanlineBytes(width, bitsPerPixel)
  let total = 0
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil(Math.max(0, width - x0) / dx)
    const h = Math.ceil(Math.max(0, height - y0) / dy)
    if (w > 0 && h > 0) total += h * scanlineBytes(w, bitsPerPixel)
  }
  return total
}

export function checkDimensions(what: string, width: number, height: number, limits: ImageLimits): void {
  if (width < 1 || height < 1) throw new ImageRefusal(`${what} is ${width}x${height}; both sides must be at least 1 pixel.`)
  if (width > limits.maxSide || height > limits.maxSide) {
    throw new ImageRefusal(`${what} is ${width}x${height}, larger than the limit of ${limits.maxSide} pixels per side; scale it down first.`, true)
  }
  if (width * height > limits.maxPixels) {
    throw new ImageRefusal(`${what} is ${width}x${height} (${width * height} pixels), more than the limit of ${limits.maxPixels} pixels; scale it down first.`, true)
  }
}

const ascii = (b: Uint8Array, at: number): string => String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0)

/**
 * Walks a PNG's chunks the strict way before anything is decoded: the signature, exactly one IHDR
 * and first, at most one PLTE before the image data, IDAT chunks consecutive, IEND last with
 * nothing after it, every length inside the file and every CRC right. The dimensions come from
 * that one IHDR, so the size checked is the size decoded (a second IHDR cannot slip past).
 */
export function readPngHeader(bytes: Uint8Array, what: string, limits: ImageLimits): PngHeader {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new ImageRefusal(`${what} is not a PNG file (its first 8 bytes are not the PNG signature).`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  let at = 8
  let header: Omit<PngHeader, 'idat' | 'expectedBytes'> | null = null
  let sawPlte = false
  let idatState: 'none' | 'in' | 'after' = 'none'
  const idat: Uint8Array[] = []
  let idatLength = 0
  let ended = false
  while (!ended) {
    if (at + 12 > bytes.length) throw new ImageRefusal(`${what} is truncated: it ends at byte ${bytes.length} without an IEND chunk.`)
    const length = view.getUint32(at)
    const type = ascii(bytes, at + 4)
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ImageRefusal(`${what} has a chunk at byte ${at} whose type is not four letters; the file is damaged.`)
    if (length > 0x7fffffff || at + 12 + length > bytes.length) throw new ImageRefusal(`${what} is truncated: its ${type} chunk at byte ${at} claims ${length} bytes, past the end of the file.`)
    const dataStart = at + 8
    const stored = view.getUint32(dataStart + length)
    if (crc32(bytes, at + 4, dataStart + length) !== stored) throw new ImageRefusal(`${what} has a wrong CRC in its ${type} chunk at byte ${at}; the file is damaged.`)
    if (header === null && type !== 'IHDR') throw new ImageRefusal(`${what} starts with a ${type} chunk; a PNG's first chunk must be IHDR.`)
    if (idatState === 'in' && type !== 'IDAT') idatState = 'after'
    switch (type) {
      case 'IHDR': {
        if (header !== null) throw new ImageRefusal(`${what} has more than one IHDR chunk; a PNG has exactly one.`)
        if (length !== 13) throw new ImageRefusal(`${what} has an IHDR chunk of ${length} bytes; it must be 13.`)
        const width = view.getUint32(dataStart)
        const height = view.getUint32(dataStart + 4)
        const bitDepth = bytes[dataStart + 8] as number
        const colorType = bytes[dataStart + 9] as number
        if (!(DEPTHS[colorType] ?? []).includes(bitDepth)) throw new ImageRefusal(`${what} declares colour type ${colorType} at bit depth ${bitDepth}, a combination PNG does not allow.`)
        if (bytes[dataStart + 10] !== 0 || bytes[dataStart + 11] !== 0) throw new ImageRefusal(`${what} declares an unknown compression or filter method.`)
        const interlace = bytes[dataStart + 12] as number
        if (interlace > 1) throw new ImageRefusal(`${what} declares interlace method ${interlace}; only 0 and 1 exist.`)
        checkDimensions(what, width, height, limits)
        header = { width, height, bitDepth, colorType, interlaced: interlace === 1 }
        break
      }
      case 'PLTE':
        if (sawPlte) throw new ImageRefusal(`${what} has more than one PLTE chunk.`)
        if (idatState !== 'none') throw new ImageRefusal(`${what} has its PLTE chunk after the image data; it must come before.`)
        if (length === 0 || length % 3 !== 0 || length / 3 > 256) throw new ImageRefusal(`${what} has a PLTE chunk of ${length} bytes; a palette is 1 to 256 entries of 3 bytes.`)
        if (header!.colorType === 0 || header!.colorType === 4) throw new ImageRefusal(`${what} is greyscale but has a PLTE chunk, which PNG forbids.`)
        if (header!.colorType === 3 && length / 3 > 2 ** header!.bitDepth) throw new ImageRefusal(`${what} has ${length / 3} palette entries, more than its ${header!.bitDepth}-bit indices can address.`)
        sawPlte = true
        break
      case 'IDAT':
        if (idatState === 'after') throw new ImageRefusal(`${what} has IDAT chunks separated by other chunks; they must be consecutive.`)
        if (header!.colorType === 3 && !sawPlte) throw new ImageRefusal(`${what} is a palette image without a PLTE chunk before its image data.`)
        idatState = 'in'
        idat.push(bytes.subarray(dataStart, dataStart + length))
        idatLength += length
        break
      case 'IEND':
        if (length !== 0) throw new ImageRefusal(`${what} has an IEND chunk carrying ${length} bytes; it must be empty.`)
        if (idatState === 'none') throw new ImageRefusal(`${what} has no image data (no IDAT chunk before IEND).`)
        if (dataStart + 4 !== bytes.length) throw new ImageRefusal(`${what} has ${bytes.length - dataStart - 4} bytes after its IEND chunk.`)
        ended = true
        break
      default:
        // Unknown critical chunks (upper-case first letter) cannot be skipped safely; ancillary ones can.
        if ((bytes[at + 4] as number) < 0x61) throw new ImageRefusal(`${what} has an unknown critical chunk ${type}.`)
    }
    at = dataStart + length + 4
  }
  const h = header!
  const bitsPerPixel = (CHANNELS[h.colorType] as number) * h.bitDepth
  const all = new Uint8Array(idatLength)
  let off = 0
  for (const part of idat) {
    all.set(part, off)
    off += part.length
  }
  return { ...h, expectedBytes: expectedPngBytes(h.width, h.height, bitsPerPixel, h.interlaced), idat: all }
}

/**
 * Inflates the image data with an output limit of exactly what the declared size needs, so a
 * decompression bomb stops at that many bytes instead of filling memory; too little data is refused too.
 */
export function inflatePngData(header: PngHeader, what: string): Buffer {
  let out: Buffer
  try {
    out = inflateSync(header.idat, { maxOutputLength: Math.max(1, header.expectedBytes) })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ImageRefusal(`${what}'s image data inflates to more than the ${header.expectedBytes} bytes its ${header.width}x${header.height} size needs; it is refused as a decompression bomb.`, true)
    }
    throw new ImageRefusal(`${what}'s image data is not valid zlib data (${(e as Error).message}).`)
  }
  if (out.length !== header.expectedBytes) throw new ImageRefusal(`${what}'s image data inflates to ${out.length} bytes, but its ${header.width}x${header.height} size needs ${header.expectedBytes}; the file is truncated or damaged.`)
  return out
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

/**
 * Walks a JPEG's marker segments up to its first scan: exactly one SOF frame header before SOS,
 * every segment inside the file, and the SOF's dimensions checked against the limits before any
 * decoding. A height of 0 (size deferred to a DNL marker) is refused: the size must be known up front.
 */
export function readJpegSize(bytes: Uint8Array, what: string, limits: ImageLimits): { width: number; height: number } {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new ImageRefusal(`${what} is not a JPEG file (it does not start with the SOI marker).`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  let at = 2
  let size: { width: number; height: number } | null = null
  for (;;) {
    if (at + 4 > bytes.length) throw new ImageRefusal(`${what} is truncated: it ends at byte ${bytes.length} before its first scan.`)
    if (bytes[at] !== 0xff) throw new ImageRefusal(`${what} has no JPEG marker at byte ${at}; the file is damaged.`)
    const marker = bytes[at + 1] as number
    if (marker === 0xff) { at++; continue } // fill bytes
    if (marker === 0xd8 || marker === 0xd9) throw new ImageRefusal(`${what} has a stray ${marker === 0xd8 ? 'SOI' : 'EOI'} marker before its first scan.`)
    const length = view.getUint16(at + 2)
    if (length < 2 || at + 2 + length > bytes.length) throw new ImageRefusal(`${what} is truncated: the segment at byte ${at} claims ${length} bytes, past the end of the file.`)
    if (SOF_MARKERS.has(marker)) {
      if (size !== null) throw new ImageRefusal(`${what} has more than one frame header (SOF); a JPEG image has exactly one.`)
      if (length < 8) throw new ImageRefusal(`${what} has a frame header of ${length} bytes, too short to hold a size.`)
      const height = view.getUint16(at + 5)
      const width = view.getUint16(at + 7)
      if (height === 0) throw new ImageRefusal(`${what} declares a height of 0 (a size given later by a DNL marker), which this helper does not accept.`)
      checkDimensions(what, width, height, limits)
      size = { width, height }
    }
    if (marker === 0xda) {
      if (size === null) throw new ImageRefusal(`${what} starts its scan before any frame header (SOF).`)
      return size
    }
    at += 2 + length
  }
}
