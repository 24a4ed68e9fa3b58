// "Presets with a promise": the time a run will take on this machine, said before it starts. The
// cost of a run is counted in pixel-iterations (pixels of a scale x its iterations, summed over
// the engine's own plan), and the speed in ms per pixel-iteration is measured by the runs before.
import type { LocalBackend } from '../backend.js'
import { BACKEND_LABEL } from '../backend.js'
import { planRun, resolveOptions } from '../engine/index.js'
import type { Settings, Speed } from '../../plugin/messages.js'
import { settingsToOptions } from './settings-to-options.js'

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
function promisedBackend(settings: Settings): LocalBackend | null {
  const b = settings.backend
  return b === 'webgpu' || b === 'webgl' || b === 'wasm' ? b : settings.speed?.backend ?? null
}

/** Expected milliseconds, or null when nothing was measured on that backend yet. */
export function expectedMsOf(settings: Settings, width: number, height: number): number | null {
  const backend = promisedBackend(settings)
  if (settings.speed === null || backend !== settings.speed.backend) return null
  return pixelIterationsOf(settings, width, height) * settings.speed.msPerPixelIteration
}

export function promiseText(settings: Settings, size: { width: number; height: number } | null, format: (ms: number) => string): string {
  const backend = promisedBackend(settings)
  const ms = size === null ? null : expectedMsOf(settings, size.width, size.height)
  if (ms === null || backend === null) {
    return backend !== null && settings.speed !== null ? `Time shown after the first run on ${BACKEND_LABEL[backend]}.` : 'Time shown after the first run.'
  }
  return `Expected about ${format(ms)} on ${BACKEND_LABEL[backend]}.`
}

/**
 * The speed after a finished run: the new measurement, averaged with the previous one on the same
 * backend (the first run on a backend also compiles its programs, so one run alone overestimates).
 */
export function measureSpeed(previous: Speed | null, backend: LocalBackend, pixelIterations: number, elapsedMs: number): Speed | null {
  if (pixelIterations <= 0 || !(elapsedMs > 0)) return previous
  const measured = elapsedMs / pixelIterations
  const msPerPixelIteration = previous?.backend === backend ? (previous.msPerPixelIteration + measured) / 2 : measured
  return { backend, msPerPixelIteration }
}
