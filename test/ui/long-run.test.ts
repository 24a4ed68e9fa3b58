// The three-minute rule before a run, in Node: which runs are long, and the size offered instead.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_SETTINGS, type Settings } from '../../plugin/settings.js'
import { LONG_RUN_MS, longRunOf } from '../../ui/run/long-run.js'
import { pixelIterationsOf } from '../../ui/run/time-cost.js'

// The playground's "Landscape" layer; 10 µs per pixel-iteration is a slow CPU (WebAssembly).
const LANDSCAPE = { width: 240, height: 160 }
const SLOW_WASM: Settings = { ...DEFAULT_SETTINGS, backend: 'wasm', size: 1024, speed: { backend: 'wasm', msPerPixelIteration: 0.01 } }

test('a run promised over 3 minutes is long; the largest 64 px step that fits is offered', () => {
  assert.equal(LONG_RUN_MS, 180_000)
  // Standard at 1024 px on a 240x160 layer: 69,917,750 pixel-iterations (the engine's plan).
  assert.equal(pixelIterationsOf(SLOW_WASM, 240, 160), 69_917_750)
  // 512 px: 17,463,550 x 0.01 = 174,635.5 ms fits; 576 px: 22,108,450 x 0.01 = 221,084.5 ms does not.
  assert.equal(pixelIterationsOf({ ...SLOW_WASM, size: 576 }, 240, 160), 22_108_450)
  assert.deepEqual(longRunOf(SLOW_WASM, LANDSCAPE), { ms: 699_177.5, backend: 'wasm', smaller: { size: 512, ms: 174_635.5 } })
  // Below 256 px the steps are 16 px: at 1 ms per pixel-iteration 48 px (153,600 pixel-iterations) fits.
  assert.deepEqual(longRunOf({ ...SLOW_WASM, size: 200, speed: { backend: 'wasm', msPerPixelIteration: 1 } }, LANDSCAPE),
    { ms: 2_655_400, backend: 'wasm', smaller: { size: 48, ms: 153_600 } })
  // Nothing fits, not even 16 px: no smaller size to offer.
  assert.equal(longRunOf({ ...SLOW_WASM, speed: { backend: 'wasm', msPerPixelIteration: 1000 } }, LANDSCAPE)?.smaller, null)
})

test('no promise, or one within 3 minutes, is not a long run', () => {
  assert.equal(longRunOf({ ...SLOW_WASM, size: 512 }, LANDSCAPE), null, '174.6 s')
  assert.equal(longRunOf({ ...SLOW_WASM, speed: null }, LANDSCAPE), null, 'nothing measured yet')
  // Measured on WebGPU, forced to WebAssembly: no promise for WebAssembly, so nothing to say.
  assert.equal(longRunOf({ ...SLOW_WASM, speed: { backend: 'webgpu', msPerPixelIteration: 0.01 } }, LANDSCAPE), null)
  // Exactly 3 minutes is not more than 3 minutes.
  assert.equal(longRunOf({ ...SLOW_WASM, size: 512, speed: { backend: 'wasm', msPerPixelIteration: 180_000 / 17_463_550 } }, LANDSCAPE), null)
})
