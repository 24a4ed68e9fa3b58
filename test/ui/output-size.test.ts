import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseOutputSize, upscaleNote } from '../../ui/run/output-size.js'

test('parseOutputSize: a size out of range goes to the nearest end and says the range', () => {
  assert.deepEqual(parseOutputSize('99999'), { size: 16384, note: 'Output sizes go from 16 to 16384 px, so 99999 px became 16384 px.' })
  assert.deepEqual(parseOutputSize('4'), { size: 16, note: 'Output sizes go from 16 to 16384 px, so 4 px became 16 px.' })
  assert.deepEqual(parseOutputSize('-300'), { size: 16, note: 'Output sizes go from 16 to 16384 px, so -300 px became 16 px.' })
  assert.deepEqual(parseOutputSize('600.4'), { size: 600, note: 'Output sizes are whole pixels, so 600.4 px became 600 px.' })
  // 16384.4 rounds into range, 16384.6 out of it.
  assert.deepEqual(parseOutputSize('16384.6'), { size: 16384, note: 'Output sizes go from 16 to 16384 px, so 16384.6 px became 16384 px.' })
  for (const text of ['', '  ', 'abc', '1e999']) {
    assert.deepEqual(parseOutputSize(text), { size: null, note: 'Output sizes go from 16 to 16384 px; type a whole number of pixels.' }, text)
  }
  assert.deepEqual(parseOutputSize(' 512 '), { size: 512, note: null })
  assert.deepEqual(parseOutputSize('16'), { size: 16, note: null })
  assert.deepEqual(parseOutputSize('16384'), { size: 16384, note: null })
})

test('upscaleNote: silent up to the layer\'s own size; above it, says how much larger and whether Figma renders it', () => {
  const photo = { name: 'Landscape', width: 600, height: 400 }
  assert.equal(upscaleNote(512, photo), null)
  assert.equal(upscaleNote(600, photo), null)
  assert.equal(upscaleNote(512, null), null)
  // A fraction of a pixel over the layer's own size is not an enlargement worth a warning.
  assert.equal(upscaleNote(601, { ...photo, width: 600.4 }), null)
  assert.equal(upscaleNote(1200, photo), '“Landscape” is 600 px on its long side: 1200 px renders it 2× larger, sharp for vectors and text but soft for a photo.')
  assert.equal(upscaleNote(2400, photo), '“Landscape” is 600 px on its long side: 2400 px renders it 4× larger, sharp for vectors and text but soft for a photo.')
  assert.equal(upscaleNote(4096, photo), '“Landscape” is 600 px on its long side: 4096 px enlarges it 6.8×, past the 4× Figma renders, so the result will look soft.')
  // The long side counts, whichever it is.
  assert.equal(upscaleNote(500, { name: 'Tall', width: 100, height: 400 }), '“Tall” is 400 px on its long side: 500 px renders it 1.3× larger, sharp for vectors and text but soft for a photo.')
})
