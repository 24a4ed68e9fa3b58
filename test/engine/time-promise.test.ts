// "Presets with a promise", checked against real runs: the speed measured by one finished run
// (as the panel measures it) predicts runs of other presets and sizes within the stated margin
// (PROMISE_MARGIN, shown in the panel). tfjs wasm in Node with the real weights; no absolute time
// is asserted, only the ratio of what a run took to what was promised, in CPU time (this machine
// is shared with other jobs) and, loosely, in wall time.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_SETTINGS, type Settings } from '../../plugin/messages.js'
import type { StyleTransfer } from '../../models/style-transfer/index.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { settingsToOptions } from '../../ui/run/settings-to-options.js'
import { PROMISE_MARGIN, expectedMsOf, measureSpeed, pixelIterationsOf, promiseKept } from '../../ui/run/time-cost.js'
import { wasmEngineWithPair } from '../support/tf.js'

let engine: StyleTransfer
let cat: RgbaImage
let starry: RgbaImage
before(async () => {
  ;({ engine, cat, starry } = await wasmEngineWithPair())
})

const settingsOf = (size: number, patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, backend: 'wasm', size, ...patch })

/** Milliseconds of CPU time this process has used (all threads). */
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }

/**
 * One job's run as the panel makes it: the layers exported at the output size first (the host
 * exports at maxSide = size), then the engine; `wallMs` is the engine's own elapsed time, which is
 * what the panel measures and promises. CPU time beside it leaves out other jobs on the machine.
 */
async function runAsync(settings: Settings): Promise<{ wallMs: number; cpuMs: number; pixelIterations: number }> {
  const atSize = { size: settings.size, minSize: settings.size, stepsFirst: 0 }
  const content = (await engine.stylizeAsync(cat, [starry], atSize)).image
  const style = (await engine.stylizeAsync(starry, [starry], atSize)).image
  const cpu = cpuMs()
  const r = await engine.stylizeAsync(content, [style], settingsToOptions(settings, 0))
  return { wallMs: r.elapsedMs, cpuMs: cpuMs() - cpu, pixelIterations: pixelIterationsOf(settings, cat.width, cat.height) }
}

test('the time measured on one Draft run predicts Standard and a larger custom run within the stated margin', async (t) => {
  // The engine's first run pays one-time set-up (memory growth, first use of each kernel): 0.78 ms
  // per pixel-iteration against 0.11 later, measured here. The panel averages it away over runs
  // (measureSpeed); this test starts from a warm engine, as every run after a panel's first is.
  await runAsync(settingsOf(32, { quality: 'custom', steps: 3 }))
  const quick = await runAsync(settingsOf(48, { quality: 'draft' }))
  const wallSpeed = measureSpeed(null, 'wasm', quick.pixelIterations, quick.wallMs)
  const cpuSpeed = measureSpeed(null, 'wasm', quick.pixelIterations, quick.cpuMs)
  assert.ok(wallSpeed !== null && cpuSpeed !== null)
  t.diagnostic(`Draft at 48 px: ${quick.pixelIterations} pixel-iterations, ${quick.wallMs} ms (${(wallSpeed.msPerPixelIteration * 1000).toFixed(1)} µs each), CPU ${quick.cpuMs.toFixed(0)} ms`)
  const ratios: string[] = []
  for (const [name, settings] of [['Standard at 32 px', settingsOf(32, { quality: 'standard' })], ['custom 20 steps at 64 px', settingsOf(64, { quality: 'custom', steps: 20 })]] as const) {
    const promisedWall = expectedMsOf({ ...settings, speed: wallSpeed }, cat.width, cat.height)
    const promisedCpu = expectedMsOf({ ...settings, speed: cpuSpeed }, cat.width, cat.height)
    assert.ok(promisedWall !== null && promisedCpu !== null)
    const run = await runAsync(settings)
    const wall = run.wallMs / promisedWall
    const cpu = run.cpuMs / promisedCpu
    ratios.push(`${name}: promised ${(promisedWall / 1000).toFixed(1)} s, took ${(run.wallMs / 1000).toFixed(1)} s (${wall.toFixed(2)}x; CPU ${cpu.toFixed(2)}x)`)
    t.diagnostic(ratios.at(-1)!)
    // Measured on the shared 2-core machine: Balanced at 32 px took 0.83-1.00x in CPU time, custom
    // at 64 px 0.75-0.81x (fixed per-iteration costs weigh less on a larger image), over runs at
    // load averages 4-9. Single-threaded wasm on an idle machine takes about its CPU time (1.76 s
    // wall for 1.63 s CPU, measured), so the stated margin (±50%, PROMISE_MARGIN) is asserted on CPU
    // time. Wall time swung 0.61-1.20x as other jobs came and went (load 4 -> 9 within one test),
    // so it only has to stay within 3x here: that still fails a model that is wrong by a multiple.
    assert.ok(promiseKept(promisedCpu, run.cpuMs), `${ratios.at(-1)}: CPU time outside ±${PROMISE_MARGIN * 100}%`)
    assert.ok(wall > 1 / 3 && wall < 3, `${ratios.at(-1)}: wall time off by more than 3x`)
  }
})
