import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_OPTIONS, resolveOptions } from '../../models/style-transfer/index.js'

test('defaults are filled in', () => {
  assert.deepEqual(resolveOptions({}), { ...DEFAULT_OPTIONS, styleLayers: [...DEFAULT_OPTIONS.styleLayers], styleLayerWeights: [...DEFAULT_OPTIONS.styleLayerWeights], styleBlend: [...DEFAULT_OPTIONS.styleBlend] })
  assert.equal(resolveOptions({ size: 64, minSize: 128 }).minSize, 64)
})

test('each bad field gets an error naming it', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ size: 0 }, /^size: expected an integer from 16 to 16384, got 0$/],
    [{ size: 12.5 }, /^size: expected an integer/],
    [{ steps: -1 }, /^steps: /],
    [{ styleWeight: Number.NaN }, /^styleWeight: expected a number/],
    [{ contentLayer: 'conv9_9' }, /^contentLayer: expected one of conv1_1/],
    [{ styleLayers: [] }, /^styleLayers: expected a non-empty array/],
    [{ styleLayerWeights: [1, 2] }, /^styleLayerWeights: expected an array of 5/],
    [{ styleBlend: [0, 0] }, /^styleBlend: at least one weight must be above 0$/],
    [{ pooling: 'min' }, /^pooling: expected one of max, average, got "min"$/],
    [{ optimizer: 'sgd' }, /^optimizer: /],
    [{ sizee: 3 }, /^sizee: unknown option$/]
  ]
  for (const [input, message] of cases) {
    assert.throws(() => resolveOptions(input as never), { message }, JSON.stringify(input))
  }
})

test('custom style layers without weights get equal weights', () => {
  const o = resolveOptions({ styleLayers: ['conv1_1', 'conv3_1'] })
  assert.deepEqual(o.styleLayerWeights, [1, 1])
})
