import assert from 'node:assert/strict'
import { test } from 'node:test'
import { correlation, edgeCorrelation, luminance, sobelMagnitude, ssim } from '../../helper/judge/structure-metrics.js'
import { frameDeviation } from '../../helper/judge/frame-metric.js'
import { checker, draw, gradient } from '../support/tf.js'

test('luminance is the Rec. 601 weighted sum', () => {
  const y = luminance(draw(2, 1, (x) => (x === 0 ? [255, 0, 0] : [10, 20, 30])))
  assert.ok(Math.abs((y[0] as number) - 76.245) < 1e-9)
  assert.ok(Math.abs((y[1] as number) - (2.99 + 11.74 + 3.42)) < 1e-9)
})

test('Sobel magnitude of a horizontal ramp of slope 1 is 8 inside; of a flat image 0', () => {
  const ramp = Float64Array.from({ length: 25 }, (_, i) => i % 5)
  for (const v of sobelMagnitude(ramp, 5, 5)) assert.ok(Math.abs(v - 8) < 1e-12)
  for (const v of sobelMagnitude(new Float64Array(25).fill(7), 5, 5)) assert.equal(v, 0)
})

test('correlation: 1 for a scaled copy, -1 for a negated one, 0 against a constant', () => {
  const p = [1, 2, 4, 8, 3]
  assert.ok(Math.abs(correlation(p, p.map((v) => 3 * v + 1)) - 1) < 1e-12)
  assert.ok(Math.abs(correlation(p, p.map((v) => -v)) + 1) < 1e-12)
  assert.equal(correlation(p, [5, 5, 5, 5, 5]), 0)
})

test('SSIM is 1 for identical images and falls for noise, inversion and a flat image', () => {
  const a = checker(40, 30, 5)
  assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12)
  let seed = 1
  const noisy = draw(40, 30, (x, y) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const [r, g, b] = (((x / 5) | 0) + ((y / 5) | 0)) % 2 === 0 ? [250, 220, 30] : [20, 30, 140]
    const n = (seed / 2 ** 31 - 0.5) * 300
    return [r + n, g + n, b + n]
  })
  const inverted = draw(40, 30, (x, y) => ((((x / 5) | 0) + ((y / 5) | 0)) % 2 === 0 ? [20, 30, 140] : [250, 220, 30]))
  const flat = draw(40, 30, () => [128, 128, 128])
  const sNoisy = ssim(a, noisy)
  assert.ok(sNoisy < 0.9 && sNoisy > 0.2, `noisy ${sNoisy}`)
  assert.ok(ssim(a, inverted) < 0, `inverted ${ssim(a, inverted)}`)
  assert.ok(ssim(a, flat) < 0.05, `flat ${ssim(a, flat)}`)
  assert.throws(() => ssim(a, checker(40, 31)), /images differ in size: 40x30 and 40x31/)
  assert.throws(() => ssim(checker(8, 8), checker(8, 8)), /SSIM needs at least 11x11 pixels, got 8x8/)
})

test('edge correlation: 1 for the same picture in other colours, low for unrelated edges', () => {
  const a = checker(32, 32, 4)
  const recoloured = draw(32, 32, (x, y) => ((((x / 4) | 0) + ((y / 4) | 0)) % 2 === 0 ? [200, 200, 200] : [0, 0, 0]))
  assert.ok(Math.abs(edgeCorrelation(a, recoloured) - 1) < 1e-9)
  assert.ok(Math.abs(edgeCorrelation(a, gradient(32, 32))) < 0.2)
})

// By hand: the result is the content with its top line 10 levels lighter (R, G and B, so
// luminance +10). Top, line 0: 10 against lines 3..8; every other side and line 0; mean over the
// 4 sides x 2 lines: 10 / 8 = 1.25 (the columns' means each rise by 10/H at line 0 and inside
// alike, so left and right cancel). Measured 12 lines in, nothing strays.
test('frame deviation: a top line 10 levels lighter gives 1.25; inner lines 0; a content of another size is box-averaged', () => {
  const content = draw(40, 30, (x, y) => [5 * x, 6 * y, 100 + ((x * y) % 50)])
  const lighter = { ...content, data: Uint8ClampedArray.from(content.data, (v, i) => (i < 40 * 4 && i % 4 !== 3 ? v + 10 : v)) }
  assert.ok(Math.abs(frameDeviation(lighter, content, 0) - 1.25) < 1e-9, `${frameDeviation(lighter, content, 0)}`)
  assert.ok(Math.abs(frameDeviation(lighter, content, 12)) < 1e-9)
  assert.ok(Math.abs(frameDeviation(content, content, 0)) < 1e-9)
  const twice = draw(80, 60, (x, y) => Array.from(content.data.slice(((Math.floor(y / 2) * 40) + Math.floor(x / 2)) * 4, ((Math.floor(y / 2) * 40) + Math.floor(x / 2)) * 4 + 3)) as [number, number, number])
  assert.ok(Math.abs(frameDeviation(lighter, twice, 0) - 1.25) < 1e-9)
})
