import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { contentLoss, gram, meanSquare, styleLoss, tvLoss, TV_PIXEL_SHARE, TV_VIEW } from '../../models/style-transfer/losses.js'
import { areaResize, areaWeights, viewSize } from '../../models/style-transfer/area-resize.js'
import { createRng } from '../../models/style-transfer/rng.js'
import { tf, useWasm } from '../support/tf.js'

before(useWasm)

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`)

test('gram is F^T F / (H W), by hand on a 2x2x2 map', () => {
  // positions (1,2) (3,4) (0,1) (2,0): sum of outer products [[14,14],[14,21]] over 4 positions
  const f = tf.tensor4d([1, 2, 3, 4, 0, 1, 2, 0], [1, 2, 2, 2])
  const g = gram(f)
  assert.deepEqual(Array.from(g.dataSync()), [3.5, 3.5, 3.5, 5.25])
  tf.dispose([f, g])
})

test('content loss is the mean squared error over the target mean square', async () => {
  const f = tf.tensor([1, 2, 3, 4])
  const t = tf.tensor([1, 1, 1, 1])
  // (0 + 1 + 4 + 9) / 4 = 3.5, target mean square 1
  close(await meanSquare(t), 1)
  const l = contentLoss(f, t, await meanSquare(t))
  close(l.dataSync()[0]!, 3.5)
  tf.dispose([f, t, l])
})

test('style loss is the mean squared Gram difference over the target mean square', async () => {
  const g = tf.tensor2d([[1, 2], [3, 4]])
  const t = tf.tensor2d([[1, 0], [0, 1]])
  // diffs 0, 2, 3, 3 -> mean square 5.5; target mean square 0.5 -> 11
  const l = styleLoss(g, t, await meanSquare(t))
  close(l.dataSync()[0]!, 11)
  tf.dispose([g, t, l])
})

test('total variation is the mean squared neighbour difference times (long side / 256)^2', () => {
  const img = tf.tensor4d([0, 1, 2, 4], [1, 2, 2, 1])
  // vertical diffs 2, 3 -> 6.5; horizontal 1, 2 -> 2.5; (6.5 + 2.5) * (2/256)^2
  const l = tvLoss(img)
  close(l.dataSync()[0]!, 9 * (2 / 256) ** 2)
  tf.dispose([img, l])
})

test('area weights: 3 samples to 2 by hand; rows sum to 1 for an uneven 1000 -> 256', () => {
  // Output 0 covers [0, 1.5): all of sample 0, half of sample 1; output 1 covers [1.5, 3).
  assert.deepEqual(Array.from(areaWeights(3, 2)).map((v) => Math.round(v * 1e6) / 1e6), [0.666667, 0.333333, 0, 0, 0.333333, 0.666667])
  const a = areaWeights(1000, 256)
  for (let i = 0; i < 256; i++) close(a.subarray(i * 1000, (i + 1) * 1000).reduce((x, y) => x + y, 0), 1)
  assert.throws(() => areaWeights(2, 3), /1 <= m <= n/)
})

test('the TV view: 256 px long side, aspect kept, sides of at least 2; none for small images', () => {
  assert.deepEqual(viewSize(1024, 768, 256), { height: 256, width: 192 })
  assert.deepEqual(viewSize(300, 4000, 256), { height: 19, width: 256 })
  assert.deepEqual(viewSize(3, 4000, 256), { height: 2, width: 256 })
  assert.equal(viewSize(256, 200, 256), null)
})

test('area resize of a 2x2-block image gives the blocks back', () => {
  const base = tf.tensor4d([0, 1, 2, 4, 5, 7], [1, 2, 3, 1])
  const up = tf.tidy(() => tf.image.resizeNearestNeighbor(base, [4, 6]))
  const down = areaResize(up, 2, 3)
  assert.deepEqual(Array.from(down.dataSync()).map((v) => Math.round(v * 1e5) / 1e5), [0, 1, 2, 4, 5, 7])
  tf.dispose([base, up, down])
})

/** (mean dy^2 + mean dx^2) of an HWC array, by plain loops (independent of the tfjs code). */
function meanNeighbourSquareJs(v: Float32Array, h: number, w: number, c: number): number {
  let sy = 0
  let sx = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        const i = (y * w + x) * c + k
        if (y + 1 < h) sy += (v[i + w * c]! - v[i]!) ** 2
        if (x + 1 < w) sx += (v[i + c]! - v[i]!) ** 2
      }
    }
  }
  return sy / ((h - 1) * w * c) + sx / (h * (w - 1) * c)
}

test(`total variation above ${TV_VIEW} px: a share on the pixels, the rest on the area-resampled ${TV_VIEW} px view`, () => {
  assert.ok(TV_PIXEL_SHARE > 0 && TV_PIXEL_SHARE < 1)
  const rng = createRng(3)
  const small = tf.tensor4d(Float32Array.from({ length: 256 * 128 * 3 }, () => rng()), [1, 128, 256, 3])
  const tvSmall = tvLoss(small).dataSync()[0]!
  close(tvSmall, meanNeighbourSquareJs(small.dataSync() as Float32Array, 128, 256, 3), 1e-4)
  // The same picture at 512x256 (2x2 blocks): its view is the 256x128 picture itself.
  const big = tf.tidy(() => tf.image.resizeNearestNeighbor(small, [256, 512]))
  const expected = (x: tf.Tensor4D): number => TV_PIXEL_SHARE * 4 * meanNeighbourSquareJs(x.dataSync() as Float32Array, 256, 512, 3) + (1 - TV_PIXEL_SHARE) * tvSmall
  close(tvLoss(big).dataSync()[0]!, expected(big), 1e-4)
  // A pixel-level +-0.2 chequer on top averages out in the view: only the pixel share grows.
  const chequer = tf.tidy(() => tf.add(big, tf.mul(tf.sub(tf.mul(tf.cast(tf.equal(tf.mod(tf.add(tf.range(0, 256).reshape([256, 1]), tf.range(0, 512).reshape([1, 512])), 2), 0), 'float32'), 2), 1).reshape([1, 256, 512, 1]), 0.2)) as tf.Tensor4D)
  // float32 sums over 400k squares on wasm: about 2e-3 relative measured here.
  close(tvLoss(chequer).dataSync()[0]!, expected(chequer), 5e-3)
  assert.ok(expected(chequer) > expected(big) + 0.1)
  tf.dispose([small, big, chequer])
})

test('gradient of the viewed total variation matches central differences (300x200)', async () => {
  const rng = createRng(5)
  const x = tf.tensor4d(Float32Array.from({ length: 200 * 300 * 3 }, () => rng()), [1, 200, 300, 3])
  const g = tf.grad((img: tf.Tensor) => tvLoss(img as tf.Tensor4D))(x)
  const gv = await g.data() as Float32Array
  // TV is quadratic, so the central difference along v is exact for any step up to float32
  // rounding. A direction with a part along g keeps g.v well above that rounding (a random one
  // alone is nearly orthogonal to g).
  const gMax = gv.reduce((a, b) => Math.max(a, Math.abs(b)), 0)
  const v = Float32Array.from(gv, (gi) => gi / gMax + 0.3 * (rng() * 2 - 1))
  const h = 0.1
  const f = (s: number): number => tf.tidy(() => tvLoss(tf.add(x, tf.mul(tf.tensor(v, x.shape), s)) as tf.Tensor4D).dataSync()[0]!)
  const fd = (f(h) - f(-h)) / (2 * h)
  const analytic = gv.reduce((a, gi, i) => a + gi * v[i]!, 0)
  assert.ok(Math.abs(fd - analytic) <= 1e-3 * Math.abs(analytic), `finite difference ${fd}, analytic ${analytic}`)
  tf.dispose([x, g])
})

test('gram of a resized constant-statistics map is unchanged (size-free normalisation)', () => {
  const small = tf.tidy(() => tf.tile(tf.tensor4d([1, 2, 3, 0, 1, 1], [1, 1, 2, 3]), [1, 4, 4, 1]))
  const big = tf.tidy(() => tf.tile(small, [1, 8, 8, 1]))
  const a = gram(small as tf.Tensor4D)
  const b = gram(big as tf.Tensor4D)
  const d = tf.max(tf.abs(tf.sub(a, b)))
  close(d.dataSync()[0]!, 0)
  tf.dispose([small, big, a, b, d])
})
