import { PNG } from 'pngjs'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { checkRgbaLength, type ImageMessage } from '../protocol.js'

/** An upload the helper refuses, with the protocol error code and one sentence. */
export class UploadError extends Error {
  override name = 'UploadError'
  constructor(readonly code: 'bad-image' | 'image-too-large' | 'bad-frame', message: string) {
    super(message)
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR chunk, read before decoding anything. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  const ihdr = String.fromCharCode(bytes[12] ?? 0, bytes[13] ?? 0, bytes[14] ?? 0, bytes[15] ?? 0)
  if (ihdr !== 'IHDR') return null
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

function checkSize(ref: string, width: number, height: number, maxSide: number): void {
  if (width < 1 || height < 1) throw new UploadError('bad-image', `Image ${ref} is ${width}x${height}; both sides must be at least 1 pixel.`)
  if (width > maxSide || height > maxSide) {
    throw new UploadError('image-too-large', `Image ${ref} is ${width}x${height}, larger than this helper's limit of ${maxSide} pixels per side; scale it down first.`)
  }
}

/**
 * Turns an image frame into RGBA pixels. The dimensions are checked before any decoding, from the
 * header (raw RGBA) or the PNG's IHDR, so a tiny file that claims to be 100000x100000 never makes
 * the decoder allocate for it. Pixels are copied: the socket's buffer is not ours to keep.
 */
export function decodeUpload(msg: ImageMessage, payload: Uint8Array, maxSide: number): RgbaImage {
  if (msg.format === 'rgba') {
    if (msg.width !== undefined && msg.height !== undefined) checkSize(msg.ref, msg.width, msg.height, maxSide)
    try {
      checkRgbaLength(msg.width, msg.height, payload, 'image')
    } catch (e) {
      throw new UploadError('bad-frame', `${(e as Error).message}.`)
    }
    return { data: new Uint8ClampedArray(payload), width: msg.width as number, height: msg.height as number }
  }
  const size = pngSize(payload)
  if (size === null) throw new UploadError('bad-image', `Image ${msg.ref} is not a PNG file (its first bytes are not a PNG signature and IHDR chunk).`)
  checkSize(msg.ref, size.width, size.height, maxSide)
  try {
    const png = PNG.sync.read(Buffer.from(payload.buffer, payload.byteOffset, payload.length))
    return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height }
  } catch (e) {
    throw new UploadError('bad-image', `Image ${msg.ref} could not be decoded as PNG (${(e as Error).message.split('\n')[0] ?? 'corrupt data'}).`)
  }
}
