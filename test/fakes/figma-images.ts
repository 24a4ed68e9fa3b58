// Image helpers for the figma fake: real PNG bytes for exports, and format sniffing that mirrors
// what figma.createImage accepts (PNG, JPEG, GIF; at most 4096 px per side; platform-facts H1).
import { createHash } from 'node:crypto'
import { PNG } from 'pngjs'

export const FIGMA_MAX_IMAGE_SIDE = 4096

/** A real, decodable PNG whose colours depend on `seed`, so two layers export different pixels. */
export function renderPng(width: number, height: number, seed: number): Uint8Array {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      png.data[i] = (seed * 53 + x) & 255
      png.data[i + 1] = (seed * 97 + y) & 255
      png.data[i + 2] = (seed * 29) & 255
      png.data[i + 3] = 255
    }
  }
  return new Uint8Array(PNG.sync.write(png))
}

export interface SniffedImage {
  format: 'PNG' | 'JPEG' | 'GIF'
  width: number
  height: number
}

export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(4) === 0x0d0a1a0a) {
    return { format: 'PNG', width: view.getUint32(16), height: view.getUint32(20) }
  }
  if (bytes.length >= 10 && String.fromCharCode(...bytes.subarray(0, 4)) === 'GIF8') {
    return { format: 'GIF', width: view.getUint16(6, true), height: view.getUint16(8, true) }
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return sniffJpeg(view)
  return null
}

// Walks JPEG segments to the first start-of-frame marker, which holds the size.
function sniffJpeg(view: DataView): SniffedImage | null {
  let offset = 2
  while (offset + 9 < view.byteLength) {
    if (view.getUint8(offset) !== 0xff) return null
    const marker = view.getUint8(offset + 1)
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isSof) return { format: 'JPEG', height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) }
    offset += 2 + view.getUint16(offset + 2)
  }
  return null
}

/** Figma image hashes are the SHA-1 of the image bytes. */
export function imageHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex')
}
