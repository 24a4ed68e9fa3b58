/**
 * Binary frames for pixels: `[u32 LE header length][UTF-8 JSON header][raw bytes]`, after
 * Playwright's length-prefixed transport. Pixels never travel as base64 JSON: that would cost a
 * third more bytes and a string copy of every image on both ends.
 */
export class FrameError extends RangeError {
  override name = 'FrameError'
}

/** Headers are a few hundred bytes; anything near this is not a header. */
export const MAX_HEADER_BYTES = 16 * 1024

interface TextCodec { encode(s: string): Uint8Array; decode(b: Uint8Array): string }
// TextEncoder/TextDecoder exist in browsers and Node; typed by hand so this file needs neither
// DOM nor Node types (it is shared by the helper and the UI).
const g = globalThis as unknown as {
  TextEncoder: new () => { encode(s: string): Uint8Array }
  TextDecoder: new (label: string, opts: { fatal: boolean }) => { decode(b: Uint8Array): string }
}
const codec: TextCodec = {
  encode: (s) => new g.TextEncoder().encode(s),
  decode: (b) => new g.TextDecoder('utf-8', { fatal: true }).decode(b)
}

export function encodeFrame(header: object, payload: Uint8Array): Uint8Array {
  const json = codec.encode(JSON.stringify(header))
  const out = new Uint8Array(4 + json.length + payload.length)
  new DataView(out.buffer).setUint32(0, json.length, true)
  out.set(json, 4)
  out.set(payload, 4 + json.length)
  return out
}

export interface DecodedFrame {
  header: unknown
  /** A view into the frame's bytes (no copy). */
  payload: Uint8Array
}

export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  if (bytes.length < 4) throw new FrameError(`binary frame is ${bytes.length} bytes, shorter than its 4-byte header length`)
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true)
  if (length === 0 || length > MAX_HEADER_BYTES) throw new FrameError(`binary frame header length ${length} is outside 1..${MAX_HEADER_BYTES}`)
  if (4 + length > bytes.length) throw new FrameError(`binary frame header length ${length} runs past the frame's ${bytes.length} bytes`)
  let header: unknown
  try {
    header = JSON.parse(codec.decode(bytes.subarray(4, 4 + length)))
  } catch {
    throw new FrameError('binary frame header is not valid UTF-8 JSON')
  }
  return { header, payload: bytes.subarray(4 + length) }
}

/** Checks that raw RGBA bytes match the dimensions in the header. */
export function checkRgbaLength(width: number | undefined, height: number | undefined, payload: Uint8Array, path: string): void {
  if (width === undefined || height === undefined) throw new FrameError(`${path}: raw rgba pixels need width and height in the header`)
  if (payload.length !== width * height * 4) {
    throw new FrameError(`${path}: ${width}x${height} rgba needs ${width * height * 4} bytes, the frame has ${payload.length}`)
  }
}
