// "Presets with a promise": the time a run will take on this machine, said before it starts, with
// its margin. The cost model is in time-cost.ts (no DOM, tested in Node against real runs); this
// file words it for the panel.
import { BACKEND_LABEL } from '../backend.js'
import type { Settings } from '../../plugin/messages.js'
import { PROMISE_MARGIN, expectedMsOf, promisedBackend } from './time-cost.js'

export { PROMISE_MARGIN, expectedMsOf, measureSpeed, pixelIterationsOf, promiseKept } from './time-cost.js'

export function promiseText(settings: Settings, size: { width: number; height: number } | null, format: (ms: number) => string): string {
  const backend = promisedBackend(settings)
  const ms = size === null ? null : expectedMsOf(settings, size.width, size.height)
  if (ms === null || backend === null) {
    return backend !== null && settings.speed !== null ? `Time shown after the first run on ${BACKEND_LABEL[backend]}.` : 'Time shown after the first run.'
  }
  return `Expected about ${format(ms)} (±${Math.round(PROMISE_MARGIN * 100)}%) on ${BACKEND_LABEL[backend]}.`
}
