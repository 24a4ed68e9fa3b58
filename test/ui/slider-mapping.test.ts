// The panel's log sliders -> engine weights, and the words shown beside them: hand-computed values.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_OPTIONS, detailWeightOf } from '../../models/style-transfer/index.js'
import { DEFAULT_SETTINGS } from '../../plugin/messages.js'
import { levelText } from '../../ui/run/level-text.js'
import { settingsToOptions, styleWeightOf, tvWeightOf } from '../../ui/run/settings-to-options.js'

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, b), `${a} vs ${b}`)

test('"Keep details" 0..1 maps to the detail weight: 0 off, 0.5 the default 3, each end 10x', () => {
  assert.equal(DEFAULT_OPTIONS.detailWeight, 3)
  assert.equal(detailWeightOf(0), 0)
  close(detailWeightOf(0.5), 3)
  close(detailWeightOf(1), 30)
  close(detailWeightOf(0.25), 3 / Math.sqrt(10)) // 0.9487
  close(detailWeightOf(0.05), 3 * Math.pow(10, -0.9)) // 0.3777
  assert.equal(detailWeightOf(Number.NaN), 0)
  assert.equal(settingsToOptions({ ...DEFAULT_SETTINGS }, 1).detailWeight, 3)
  assert.equal(settingsToOptions({ ...DEFAULT_SETTINGS, details: 0 }, 1).detailWeight, 0)
})

test('strength and smoothness keep their mappings (20x and 10x about the defaults)', () => {
  close(styleWeightOf(1), 75 * 20)
  close(styleWeightOf(0.25), 75 / Math.sqrt(20))
  close(tvWeightOf(0), 0)
  close(tvWeightOf(1), 100)
  close(tvWeightOf(0.5), 10)
  close(tvWeightOf(0.25), 10 / Math.sqrt(10)) // 3.162
})

test('the sliders speak in words, the middle being "Default"', () => {
  assert.deepEqual([0, 0.1, 0.3, 0.5, 0.45, 0.55, 0.7, 0.9, 1].map(levelText),
    ['Off', 'Faint', 'Light', 'Default', 'Default', 'Default', 'Strong', 'Strongest', 'Strongest'])
})
