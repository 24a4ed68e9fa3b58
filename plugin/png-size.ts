// Reads a PNG's size from its IHDR header. Pure: the sandbox has no image decoder (platform-facts
// H6), but the header is enough to check what the UI sent before calling figma.createImage, so a
// wrong or oversized image is rejected before the document is touched.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function readPngSize(png: Uint8Array): { width: number; height: number } | null {
  if (png.length < 24) return null
  for (let i = 0; i < SIGNATURE.length; i++) if (png[i] !== SIGNATURE[i]) return null
  // The first chunk must be IHDR: length(4) "IHDR"(4) width(4, big-endian) height(4, big-endian).
  if (String.fromCharCode(png[12]!, png[13]!, png[14]!, png[15]!) !== 'IHDR') return null
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}
