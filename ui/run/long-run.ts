// "A promise over a few minutes is said before starting": a run whose promised time is longer
// than LONG_RUN_MS does not start on the first click. The panel says how long it would take and
// offers the faster ways: the largest output size that fits, or the helper app. Pure (no DOM), so
// the sizes are tested in Node.
import { MIN_SIDE } from '../../models/style-transfer/index.js'
import type { BrowserBackend, Settings } from '../../plugin/messages.js'
import { expectedMsOf, promisedBackend } from './time-cost.js'

/** Three minutes: past this a designer waiting in front of the panel wants a say before it starts. */
export const LONG_RUN_MS = 3 * 60 * 1000

export interface LongRun {
  /** The promised time of the run as set. */
  ms: number
  backend: BrowserBackend
  /** The largest size (rounded, see sizeStepOf) whose promise fits LONG_RUN_MS, or null when none does. */
  smaller: { size: number; ms: number } | null
}

/**
 * Sizes offered are whole multiples of 64 px from 256 px up (a size a designer would type), of
 * 16 px below (small sizes differ visibly by less).
 */
export function sizeStepOf(size: number): number {
  return size >= 256 ? 64 : 16
}

/** The run's promise when it is longer than limitMs, with the smaller size that fits; else null. */
export function longRunOf(settings: Settings, content: { width: number; height: number }, limitMs = LONG_RUN_MS): LongRun | null {
  const backend = promisedBackend(settings)
  const ms = expectedMsOf(settings, content.width, content.height)
  if (backend === null || ms === null || ms <= limitMs) return null
  return { ms, backend, smaller: smallerSizeOf(settings, content, limitMs) }
}

function smallerSizeOf(settings: Settings, content: { width: number; height: number }, limitMs: number): { size: number; ms: number } | null {
  // Downwards over the rounded sizes below the current one: the cost is not a smooth function of
  // the size (the engine's scales change in steps), so the first size that fits is the answer.
  let size = settings.size - 1
  while (size >= MIN_SIDE) {
    const step = sizeStepOf(size)
    size -= size % step
    if (size < MIN_SIDE) break
    const ms = expectedMsOf({ ...settings, size }, content.width, content.height)
    if (ms !== null && ms <= limitMs) return { size, ms }
    size -= 1
  }
  return null
}
