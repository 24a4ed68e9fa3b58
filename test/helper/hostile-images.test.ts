import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeImage, encodePng } from '../../helper/image-io.js'
import { bomb, chunk, doubleIhdr, idat, iend, ihdr, jpegWithSof, png, rawPng } from '../support/hostile-images.js'

const LIMITS = { maxSide: 4096, maxPixels: 4096 * 4096 }
// A hang guard only, not a speed claim: every refusal must come back well inside it.
const BOUND_MS = 2000

function refused(name: string, bytes: Uint8Array, message: RegExp): void {
  test(`refused: ${name}`, () => {
    const t0 = performance.now()
    assert.throws(() => decodeImage(bytes, 'Image x', LIMITS), (e: Error) => {
      assert.match(e.message, message)
      assert.ok(!e.message.includes('\n'), 'one sentence')
      return true
    })
    assert.ok(performance.now() - t0 < BOUND_MS, `${name} took ${performance.now() - t0} ms`)
  })
}

const good = encodePng({ data: new Uint8ClampedArray(4 * 4 * 4).fill(200), width: 4, height: 4 })

refused('double IHDR (the 93-byte file)', doubleIhdr(), /more than one IHDR/)
refused('decompression bomb (interlaced 1x1, 64 MiB of data)', bomb(), /decompression bomb/)
refused('truncated', good.slice(0, good.length - 5), /truncated/)
refused('lying size (IHDR 8x8, data for 4x4)', png(ihdr(8, 8), idat(new Uint8Array(4 * 17)), iend()), /inflates to 68 bytes.*needs 264/)
refused('wrong CRC', png(ihdr(1, 1), chunk('IDAT', new Uint8Array([1, 2]), true), iend()), /wrong CRC in its IDAT/)
refused('too many pixels', png(ihdr(8192, 8192), idat(new Uint8Array(5)), iend()), /8192x8192, larger than the limit of 4096/)
refused('zero size', png(ihdr(0, 4), idat(new Uint8Array(5)), iend()), /0x4; both sides/)
refused('huge palette (300 entries)', png(ihdr(1, 1, 8, 3), chunk('PLTE', new Uint8Array(900)), idat(new Uint8Array(2)), iend()), /PLTE chunk of 900 bytes/)
refused('garbage after the signature', png(new Uint8Array(64).fill(0x41)), /truncated|CRC|first chunk/)
refused('IDAT before IHDR', png(idat(new Uint8Array(5)), ihdr(1, 1), iend()), /first chunk must be IHDR/)
refused('bytes after IEND', png(ihdr(1, 1), idat(new Uint8Array(5)), iend(), new Uint8Array(3)), /after its IEND/)
refused('JPEG with two SOFs', jpegWithSof([1, 1], [8192, 8192]), /more than one frame header/)
refused('JPEG with a lying SOF', jpegWithSof([60000, 60000]), /60000x60000, larger than the limit/)
refused('JPEG with height 0', jpegWithSof([16, 0]), /height of 0/)

test('legitimate 16-bit, interlaced and palette PNGs decode correctly', () => {
  const sixteen = decodeImage(rawPng(2, 1, 16, 0, (_y, i) => (i < 2 ? 0xff : 0x00)), 'x', LIMITS) // grey 65535 then 0
  assert.deepEqual([...sixteen.data], [255, 255, 255, 255, 0, 0, 0, 255])
  const pal = decodeImage(rawPng(1, 1, 8, 3, () => 1, [chunk('PLTE', Uint8Array.from([0, 0, 0, 10, 20, 30]))]), 'x', LIMITS)
  assert.deepEqual([...pal.data], [10, 20, 30, 255])
  // Interlaced 1x1 RGBA: one pass, one row: filter 0 then the pixel.
  const inter = decodeImage(png(ihdr(1, 1, 8, 6, 1), idat(Uint8Array.from([0, 9, 8, 7, 6])), iend()), 'x', LIMITS)
  assert.deepEqual([...inter.data], [9, 8, 7, 6])
})
