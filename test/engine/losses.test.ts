import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { contentLoss, gram, meanSquare, styleLoss, tvLoss } from '../../ui/engine/losses.js'
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

test('gram of a resized constant-statistics map is unchanged (size-free normalisation)', () => {
  const small = tf.tidy(() => tf.tile(tf.tensor4d([1, 2, 3, 0, 1, 1], [1, 1, 2, 3]), [1, 4, 4, 1]))
  const big = tf.tidy(() => tf.tile(small, [1, 8, 8, 1]))
  const a = gram(small as tf.Tensor4D)
  const b = gram(big as tf.Tensor4D)
  const d = tf.max(tf.abs(tf.sub(a, b)))
  close(d.dataSync()[0]!, 0)
  tf.dispose([small, big, a, b, d])
})
