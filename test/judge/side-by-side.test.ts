import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GAP, sideBySide } from '../../helper/judge/side-by-side.js'
import { draw } from '../support/tf.js'

// By hand: row 1 a 3x2 red and a 2x3 blue image, row 2 one 1x1 half-transparent black pixel.
// Width max(3 + GAP + 2, 1) = 9, height 3 + GAP + 1 = 8; the blue starts at x = 3 + GAP; the
// transparent pixel shows on white: 255 * (1 - 128/255) = 127.
test('side by side: rows left to right with white gaps, top aligned, alpha over white', () => {
  const red = draw(3, 2, () => [255, 0, 0])
  const blue = draw(2, 3, () => [0, 0, 255])
  const half = draw(1, 1, () => [0, 0, 0, 128])
  const sheet = sideBySide([[red, blue], [half]])
  assert.equal(GAP, 4)
  assert.deepEqual([sheet.width, sheet.height], [9, 8])
  const at = (x: number, y: number): number[] => Array.from(sheet.data.slice((y * 9 + x) * 4, (y * 9 + x) * 4 + 4))
  assert.deepEqual(at(0, 0), [255, 0, 0, 255])
  assert.deepEqual(at(2, 1), [255, 0, 0, 255])
  assert.deepEqual(at(2, 2), [255, 255, 255, 255]) // below the red, the row is 3 high
  assert.deepEqual(at(3, 0), [255, 255, 255, 255]) // the gap
  assert.deepEqual(at(7, 2), [0, 0, 255, 255])
  assert.deepEqual(at(0, 3), [255, 255, 255, 255]) // the gap between rows
  assert.deepEqual(at(0, 7), [127, 127, 127, 255])
  assert.deepEqual(at(1, 7), [255, 255, 255, 255])
})
