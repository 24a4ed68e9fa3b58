import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PNG } from 'pngjs'
import jpeg from 'jpeg-js'
import { decodeImage, encodePng } from '../../helper/image-io.js'
import { draw } from '../support/tf.js'

test('PNG round trip keeps every RGBA byte', () => {
  const img = draw(7, 5, (x, y) => [x * 30, y * 50, 99, (x + y) * 20])
  const back = decodeImage(encodePng(img))
  assert.deepEqual([back.width, back.height], [7, 5])
  assert.deepEqual(Array.from(back.data), Array.from(img.data))
})

test('a greyscale PNG becomes RGBA with equal channels', () => {
  const png = new PNG({ width: 2, height: 1, colorType: 0, inputColorType: 0, inputHasAlpha: false })
  png.data = Buffer.from([10, 200])
  const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false })
  assert.equal(bytes[25], 0, 'colour type byte in IHDR says greyscale')
  const img = decodeImage(bytes)
  assert.deepEqual(Array.from(img.data), [10, 10, 10, 255, 200, 200, 200, 255])
})

test('JPEG decodes to RGBA', () => {
  const src = draw(16, 8, () => [200, 40, 40, 255])
  const bytes = jpeg.encode({ data: Buffer.from(src.data), width: 16, height: 8 }, 95).data
  const img = decodeImage(bytes)
  assert.deepEqual([img.width, img.height], [16, 8])
  assert.ok(Math.abs(img.data[0]! - 200) < 6 && img.data[3] === 255)
})

test('empty, unknown and corrupt bytes get sentences', () => {
  assert.throws(() => decodeImage(new Uint8Array(0), 'Style image s.png'), { name: 'ImageError', message: 'Style image s.png is empty (0 bytes)' })
  assert.throws(() => decodeImage(new TextEncoder().encode('GIF89a....'), 'x'), { message: 'x is not a PNG or JPEG file' })
  const png = encodePng(draw(4, 4, () => [1, 2, 3, 255]))
  const cut = png.slice(0, 40)
  assert.throws(() => decodeImage(cut, 'Content image c.png'), { name: 'ImageRefusal', message: /^Content image c.png is truncated: / })
})
