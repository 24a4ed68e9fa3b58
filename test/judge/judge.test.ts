// The judge on real weights: its numbers at the two ends it must get exactly right.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createJudge } from '../../helper/judge/judge.js'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import { realWeights, samplePair, tf, useWasm } from '../support/tf.js'

test('the content judged as its own result: no style taken, all structure kept; the style itself: style taken', async () => {
  await useWasm()
  const { cat, starry } = await samplePair()
  const small = tf.tidy(() => resize(rgbTensor(cat), 96, 144))
  const content = await toRgbaImage(small, null)
  small.dispose()
  const weights = await realWeights()
  const before = tf.memory().numTensors
  const judge = createJudge(weights)
  const self = await judge.judge(content, starry, content)
  assert.ok(Math.abs(self.styleDrop) < 1e-6, `style drop ${self.styleDrop}`)
  assert.ok(self.contentDistance < 1e-9, `content distance ${self.contentDistance}`)
  assert.ok(Math.abs(self.ssim - 1) < 1e-9 && Math.abs(self.edgeCorrelation - 1) < 1e-9)
  assert.ok(self.styleDistance > 0.5, `the cat is far from Starry Night's statistics: ${self.styleDistance}`)

  // The painting at the result's size (its aspect differs a little): nearly all of the style.
  const st = tf.tidy(() => resize(rgbTensor(starry), 96, 144))
  const painting = await toRgbaImage(st, null)
  st.dispose()
  const styled = await judge.judge(content, starry, painting)
  assert.ok(styled.styleDrop > 0.9, `style drop ${styled.styleDrop}`)
  assert.ok(styled.contentDistance > 0.5 && styled.edgeCorrelation < 0.3, JSON.stringify(styled))
  judge.dispose()
  assert.equal(tf.memory().numTensors, before)
})
