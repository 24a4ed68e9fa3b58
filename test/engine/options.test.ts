import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_OPTIONS, resolveOptions } from '../../models/style-transfer/index.js'

test('defaults are filled in', () => {
  assert.deepEqual(resolveOptions({}), { ...DEFAULT_OPTIONS, styleLayers: [...DEFAULT_OPTIONS.styleLayers], styleLayerWeights: [...DEFAULT_OPTIONS.styleLayerWeights], styleBlend: [...DEFAULT_OPTIONS.styleBlend] })
  assert.equal(resolveOptions({ size: 64, minSize: 128 }).minSize, 64)
})

test('each bad field gets an error naming it', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    // One wording with the sandbox's and the protocol's checks (plugin/schema.ts, models/style-transfer/schema.ts).
    [{ size: 0 }, /^size: expected integer in 16\.\.16384, got number 0$/],
    [{ size: 12.5 }, /^size: expected integer in 16\.\.16384, got number 12\.5$/],
    [{ steps: -1 }, /^steps: /],
    [{ styleWeight: Number.NaN }, /^styleWeight: expected number in 0\.\.1000000000, got number NaN$/],
    [{ contentLayer: 'conv9_9' }, /^contentLayer: expected one of "conv1_1"/],
    [{ styleLayers: [] }, /^styleLayers: expected array of 1 to 16 items, got 0$/],
    [{ styleLayerWeights: [1, 2] }, /^styleLayerWeights: expected 5 weights \(one per style layer\), got 2$/],
    [{ styleBlend: [0, 0] }, /^styleBlend: expected at least one weight above 0, got 2 zeros$/],
    [{ pooling: 'min' }, /^pooling: expected one of "max", "average", got string "min"$/],
    [{ optimizer: 'sgd' }, /^optimizer: /],
    [{ styleBlend: [1, -1] }, /^styleBlend\[1\]: expected number in 0\.\.1000000000, got number -1$/],
    [{ sizee: 3 }, /^sizee: expected no such field, got number 3$/]
  ]
  for (const [input, message] of cases) {
    assert.throws(() => resolveOptions(input as never), { message }, JSON.stringify(input))
  }
})

test('custom style layers without weights get equal weights', () => {
  const o = resolveOptions({ styleLayers: ['conv1_1', 'conv3_1'] })
  assert.deepEqual(o.styleLayerWeights, [1, 1])
})
