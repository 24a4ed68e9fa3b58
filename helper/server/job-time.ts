import type { Plan } from '../../models/style-transfer/index.js'

/** Pixels of each scale times its iterations, summed: the unit a run's time grows with (as ui/run/time-cost.ts counts it). */
export const pixelIterationsOf = (plan: Plan): number => plan.scales.reduce((a, s) => a + s.width * s.height * s.iterations, 0)

/**
 * Runs smaller than this teach the helper nothing about its speed: fixed per-iteration costs weigh
 * more on small images (ui/run/time-cost.ts), so a few 32 px runs would overstate the time of a
 * large one and refuse it. One million is a 128 px scale for 64 iterations.
 */
export const LEARN_MIN_PIXEL_ITERATIONS = 1_000_000

/**
 * The helper's speed in ms per pixel-iteration: the configured one until a finished run has been
 * measured, then the time of every measured run over their pixel-iterations (large runs weigh most).
 * Null while there is neither, and then no time limit can be judged.
 */
export class SpeedMeter {
  private ms = 0
  private pixelIterations = 0

  constructor(private readonly configured: number | null) {}

  get msPerPixelIteration(): number | null {
    return this.pixelIterations > 0 ? this.ms / this.pixelIterations : this.configured
  }

  /** A run that went to its end; stopped runs and small ones are not measured. */
  record(plan: Plan, elapsedMs: number): void {
    const n = pixelIterationsOf(plan)
    if (n < LEARN_MIN_PIXEL_ITERATIONS || !(elapsedMs > 0)) return
    this.ms += elapsedMs
    this.pixelIterations += n
  }

  estimateMs(plan: Plan): number | null {
    const speed = this.msPerPixelIteration
    return speed === null ? null : pixelIterationsOf(plan) * speed
  }
}

/** "45 s", "33 min", "2.5 h": a rough duration for a refusal sentence. */
export function formatRoughDuration(ms: number): string {
  const s = ms / 1000
  if (s < 90) return `${Math.max(1, Math.round(s))} s`
  if (s < 90 * 60) return `${Math.round(s / 60)} min`
  return `${Number((s / 3600).toFixed(1))} h`
}
