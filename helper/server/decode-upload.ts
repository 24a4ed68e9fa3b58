import type { RgbaImage } from '../../models/style-transfer/types.js'
import { checkRgbaLength, type ImageMessage } from '../protocol.js'
import { decodePng, ImageRefusal } from '../image-io.js'

/** An upload the helper refuses, with the protocol error code and one sentence. */
export class UploadError extends Error {
  override name = 'UploadError'
  constructor(readonly code: 'bad-image' | 'image-too-large' | 'bad-frame', message: string) {
    super(message)
  }
}

function checkSize(ref: string, width: number, height: number, maxSide: number): void {
  if (width < 1 || height < 1) throw new UploadError('bad-image', `Image ${ref} is ${width}x${height}; both sides must be at least 1 pixel.`)
  if (width > maxSide || height > maxSide) {
    throw new UploadError('image-too-large', `Image ${ref} is ${width}x${height}, larger than this helper's limit of ${maxSide} pixels per side; scale it down first.`)
  }
}

/**
 * Turns an image frame into RGBA pixels. The dimensions are checked before any decoding, from the
 * header (raw RGBA) or the PNG's one IHDR after a strict chunk walk, so a tiny file that claims to be 100000x100000 never makes
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
  // The same strict path as the command line: one IHDR, CRCs, chunk order, pixel cap before and during inflation.
  try {
    return decodePng(payload, `Image ${msg.ref}`, { maxSide, maxPixels: maxSide * maxSide })
  } catch (e) {
    if (e instanceof ImageRefusal) throw new UploadError(e.tooLarge ? 'image-too-large' : 'bad-image', e.message)
    throw e
  }
}
