import { deflateSync } from 'node:zlib'
import { crc32, PNG_SIGNATURE } from '../../helper/image-header.js'

/** One PNG chunk: length, type, data, CRC (right unless `badCrc`). */
export function chunk(type: string, data: Uint8Array, badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, (crc32(out, 4, 8 + data.length) ^ (badCrc ? 1 : 0)) >>> 0)
  return out
}

export function ihdr(width: number, height: number, bitDepth = 8, colorType = 6, interlace = 0): Uint8Array {
  const d = new Uint8Array(13)
  const v = new DataView(d.buffer)
  v.setUint32(0, width)
  v.setUint32(4, height)
  d.set([bitDepth, colorType, 0, 0, interlace], 8)
  return chunk('IHDR', d)
}

export function png(...chunks: Uint8Array[]): Uint8Array {
  const parts = [Uint8Array.from(PNG_SIGNATURE), ...chunks]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export const iend = (): Uint8Array => chunk('IEND', new Uint8Array(0))
export const idat = (raw: Uint8Array): Uint8Array => chunk('IDAT', deflateSync(raw))

/** The 93-byte file: IHDR 1x1, a second IHDR 8192x8192 RGBA, IDAT = deflate(5 zero bytes), IEND. */
export function doubleIhdr(): Uint8Array {
  return png(ihdr(1, 1), ihdr(8192, 8192), idat(new Uint8Array(5)), iend())
}

/**
 * An interlaced 1x1 RGBA PNG (its data must inflate to 5 bytes) whose IDAT inflates to `inflated`
 * zero bytes. Deflating zeros compresses about 1000:1, so 64 MiB costs ~64 KiB to carry.
 */
export function bomb(inflated = 64 * 2 ** 20): Uint8Array {
  return png(ihdr(1, 1, 8, 6, 1), idat(new Uint8Array(inflated)), iend())
}

/** A valid PNG of any colour type/depth with raw (filter 0) rows of `rowBytes` each. */
export function rawPng(width: number, height: number, bitDepth: number, colorType: number, fill: (row: number, i: number) => number, extra: Uint8Array[] = []): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType] as number
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8)
  const raw = new Uint8Array(height * (1 + rowBytes))
  for (let y = 0; y < height; y++) for (let i = 0; i < rowBytes; i++) raw[y * (1 + rowBytes) + 1 + i] = fill(y, i)
  return png(ihdr(width, height, bitDepth, colorType), ...extra, idat(raw), iend())
}

/** A minimal baseline JPEG marker stream: SOI, one (or more) SOF0 with this size, SOS, EOI. Enough for the header walk. */
export function jpegWithSof(...sizes: Array<[number, number]>): Uint8Array {
  const bytes: number[] = [0xff, 0xd8]
  for (const [w, h] of sizes) bytes.push(0xff, 0xc0, 0, 11, 8, h >> 8, h & 255, w >> 8, w & 255, 1, 1, 0x11, 0)
  bytes.push(0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, 0xff, 0xd9)
  return Uint8Array.from(bytes)
}
