// Start noise (models/style-transfer/start-noise.ts): smooth, seeded, the same pattern at every size.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { createRng } from '../../models/style-transfer/rng.js'
import { addStartNoise, NOISE_CELLS } from '../../models/style-transfer/start-noise.js'
import { tf, useWasm } from '../support/tf.js'

before(async () => { await useWasm() })

const grey = (h: number, w: number): tf.Tensor4D => tf.fill([1, h, w, 3], 0.5) as tf.Tensor4D
const at = (d: Float32Array | Int32Array | Uint8Array, w: number, y: number, x: number, c: number): number => d[(y * w + x) * 3 + c]!

test('on the grid the noise is the seeded uniform value; between grid points it is interpolated', async () => {
  const base = tf.memory().numTensors
  // 97 px, 12 cells: a 13x13 grid whose points fall on every 8th pixel (align-corners resize).
  assert.equal(NOISE_CELLS, 12)
  const x = grey(97, 97)
  const y = addStartNoise(x, 0.2, 7)
  const d = await y.data() as Float32Array
  const rng = createRng(7)
  const grid = Array.from({ length: 13 * 13 * 3 }, () => (rng() * 2 - 1) * 0.2)
  for (const [i, j] of [[0, 0], [3, 5], [12, 12], [7, 0]] as const) {
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(at(d, 97, 8 * i, 8 * j, c) - (0.5 + grid[(i * 13 + j) * 3 + c]!)) < 1e-6, `grid point ${i},${j}`)
  }
  // Half way between two grid points along a row: their mean.
  const mid = at(d, 97, 8 * 3, 8 * 5 + 4, 1)
  assert.ok(Math.abs(mid - (0.5 + (grid[(3 * 13 + 5) * 3 + 1]! + grid[(3 * 13 + 6) * 3 + 1]!) / 2)) < 1e-6, `midpoint ${mid}`)
  // Smooth: neighbouring pixels differ by at most amplitude 2 x 0.2 over 8 px.
  let maxStep = 0
  for (let yy = 0; yy < 97; yy++) for (let xx = 1; xx < 97; xx++) maxStep = Math.max(maxStep, Math.abs(at(d, 97, yy, xx, 0) - at(d, 97, yy, xx - 1, 0)))
  assert.ok(maxStep <= 0.4 / 8 + 1e-6, `largest neighbour step ${maxStep}`)
  x.dispose(); y.dispose()
  assert.equal(tf.memory().numTensors, base)
})

test('the same seed gives the same pattern at a Variation size and at a larger first scale', async () => {
  const small = grey(49, 49), large = grey(97, 97)
  const a = addStartNoise(small, 0.25, 3), b = addStartNoise(large, 0.25, 3), other = addStartNoise(large, 0.25, 4)
  const [da, db, dother] = await Promise.all([a.data(), b.data(), other.data()]) as Float32Array[]
  let same = 0, differ = 0
  for (let i = 0; i < 49; i++) for (let j = 0; j < 49; j++) {
    same = Math.max(same, Math.abs(at(da!, 49, i, j, 2) - at(db!, 97, 2 * i, 2 * j, 2)))
    differ += Math.abs(at(dother!, 97, 2 * i, 2 * j, 2) - at(db!, 97, 2 * i, 2 * j, 2)) / (49 * 49)
  }
  assert.ok(same < 1e-6, `49 px and 97 px patterns differ by ${same}`)
  assert.ok(differ > 0.05, `another seed moves the pattern by ${differ} on average`)
  tf.dispose([small, large, a, b, other])
})

test('the result stays in 0..1', async () => {
  const x = tf.fill([1, 20, 30, 3], 0.98) as tf.Tensor4D
  const y = addStartNoise(x, 1, 1)
  const d = await y.data()
  assert.ok(Math.max(...d) <= 1 && Math.min(...d) >= 0)
  assert.ok(d.some((v) => v === 1), 'clipped at 1')
  tf.dispose([x, y])
})
