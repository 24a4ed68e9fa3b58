import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateScales, sizeToFit } from '../../models/style-transfer/schedule.js'

test('scales grow by sqrt(2) from the start size and end exactly at the target', () => {
  // 512 / sqrt(2)^k rounded: 512, 362, 256, 181, 128
  assert.deepEqual(generateScales(128, 512), [128, 181, 256, 362, 512])
  assert.deepEqual(generateScales(128, 1024), [128, 181, 256, 362, 512, 724, 1024])
  // 300 / sqrt(2)^k: 300, 212, 150, 106 (< 128, dropped)
  assert.deepEqual(generateScales(128, 300), [150, 212, 300])
})

test('a target at or below the start size is a single scale', () => {
  assert.deepEqual(generateScales(128, 128), [128])
  assert.deepEqual(generateScales(256, 100), [100])
})

test('sizeToFit keeps the aspect ratio and the long side', () => {
  assert.deepEqual(sizeToFit(451, 300, 128), [128, 85])
  assert.deepEqual(sizeToFit(300, 451, 128), [85, 128])
  assert.deepEqual(sizeToFit(1000, 1, 100), [100, 1])
})

test('sizeToFit grows the image rather than let the short side fall below the minimum', () => {
  // 40x64 to long side 24 would be 15x24; VGG-19 needs 16 px to reach conv5_1
  assert.deepEqual(sizeToFit(40, 64, 24, 16), [16, 26])
  assert.deepEqual(sizeToFit(1000, 20, 128, 16), [800, 16])
})
