// The cost model behind "Presets with a promise", apart from the panel's wording (time-promise.ts)
// so that it has no DOM or backend imports and Node tests can check it against real runs. The cost
// of a run is counted in pixel-iterations (pixels of a scale x its iterations, summed over the
// engine's own plan), and the speed in ms per pixel-iteration is measured by the runs before.
import { planRun, resolveOptions } from '../../models/style-transfer/index.js'
import type { BrowserBackend, Settings, Speed } from '../../plugin/messages.js'
import { settingsToOptions } from './settings-to-options.js'

/**
 * The stated margin of the promise: a run takes between (1 - m) and (1 + m) times the expected
 * time. Measured on the 2-core development machine (tfjs wasm in Node, speed from one Quick run at
 * 48 px, test/engine/time-promise.test.ts): Balanced at 32 px and a custom run at 64 px took
 * 0.75-1.00x the expected time in CPU time (the model's own error: fixed per-iteration costs
 * weigh more on small images; and CPU time itself moved by up to a third with what else ran on
 * the cores); wall time, with other jobs sharing the machine, 0.61-1.20x. Half again either way
 * covers these with room to spare. Not covered: a panel's first run (of a session, or after a
 * backend change) also pays one-time set-up the model does not count, and its measurement
 * weighs on the speed until later runs average it away (measureSpeed).
 */
export const PROMISE_MARGIN = 0.5

/** What a run of these settings on a width x height content costs, in pixel-iterations. */
export function pixelIterationsOf(settings: Settings, width: number, height: number): number {
  const options = resolveOptions(settingsToOptions(settings, 0))
  return planRun(Math.max(1, width), Math.max(1, height), options).scales
    .reduce((sum, s) => sum + s.width * s.height * s.iterations, 0)
}

/**
 * The backend the promise is about: the one forced in the settings, else the one the last run
 * used (automatic choice lands on the same backend again on the same machine).
 */
export function promisedBackend(settings: Settings): BrowserBackend | null {
  const b = settings.backend
  return b === 'webgpu' || b === 'webgl' || b === 'wasm' ? b : settings.speed?.backend ?? null
}

/** Expected milliseconds, or null when nothing was measured on that backend yet. */
export function expectedMsOf(settings: Settings, width: number, height: number): number | null {
  const backend = promisedBackend(settings)
  if (settings.speed === null || backend !== settings.speed.backend) return null
  return pixelIterationsOf(settings, width, height) * settings.speed.msPerPixelIteration
}

/** Whether a run that took actualMs kept a promise of promisedMs (within PROMISE_MARGIN). */
export function promiseKept(promisedMs: number, actualMs: number): boolean {
  return actualMs >= promisedMs * (1 - PROMISE_MARGIN) && actualMs <= promisedMs * (1 + PROMISE_MARGIN)
}

/**
 * The speed after a finished run: the new measurement, averaged with the previous one on the same
 * backend (the first run on a backend also compiles its programs, so one run alone overestimates).
 */
export function measureSpeed(previous: Speed | null, backend: BrowserBackend, pixelIterations: number, elapsedMs: number): Speed | null {
  if (pixelIterations <= 0 || !(elapsedMs > 0)) return previous
  const measured = elapsedMs / pixelIterations
  const msPerPixelIteration = previous?.backend === backend ? (previous.msPerPixelIteration + measured) / 2 : measured
  return { backend, msPerPixelIteration }
}
