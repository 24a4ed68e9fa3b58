import type { StyleTransfer } from '../../models/style-transfer/index.js'
import type { Progress, RgbaImage } from '../../models/style-transfer/types.js'
import { describeError } from '../describe-error.js'
import { encodePng } from '../image-io.js'
import type { Job } from './job.js'

export interface RunTiming {
  /** Least time between two progress messages (the last one of a run always goes). */
  progressIntervalMs: number
  /** Least time between two preview frames. */
  previewIntervalMs: number
  now?: () => number
}

/** Previews up to this many pixels go as raw RGBA (no encode cost); bigger ones as PNG. */
const RAW_PREVIEW_PIXELS = 512 * 512
/** While more than this is still queued on the socket, previews are skipped (slow client). */
const PREVIEW_BACKLOG_BYTES = 4 * 2 ** 20

/** How a run ended, for the server's own bookkeeping (speed, engine health); the client has been told already. */
export type JobOutcome =
  | { kind: 'done'; elapsedMs: number; stopped: boolean }
  | { kind: 'canceled' }
  | { kind: 'failed'; code: 'out-of-memory' | 'job-failed'; message: string }

/**
 * Runs one job on the engine and reports to its client: started, throttled progress, previews,
 * then the result PNG, `canceled`, or an error sentence. Never throws.
 */
export async function runJob(job: Job, engine: StyleTransfer, timing: RunTiming): Promise<JobOutcome> {
  const now = timing.now ?? (() => Date.now())
  const { sink, id } = job
  const last = job.plan.scales[job.plan.scales.length - 1]
  sink.json({ type: 'started', id, width: last?.width ?? job.content.width, height: last?.height ?? job.content.height, total: job.plan.total })
  let lastProgress = -Infinity
  let lastPreview = -Infinity

  const onProgress = (p: Progress): void => {
    const t = now()
    if (t - lastProgress < timing.progressIntervalMs && p.done !== p.total) return
    lastProgress = t
    sink.json({
      type: 'progress', id, scale: p.scale, scales: p.scales, width: p.width, height: p.height,
      iteration: p.iteration, iterations: p.iterations, done: p.done, total: p.total,
      loss: p.loss, elapsedMs: p.elapsedMs, etaMs: p.etaMs,
      parts: Object.entries(p.parts).map(([term, value]) => ({ term, value }))
    })
  }
  const onPreview = (image: RgbaImage, p: Progress): void => {
    const t = now()
    if (t - lastPreview < timing.previewIntervalMs || sink.bufferedAmount() > PREVIEW_BACKLOG_BYTES) return
    lastPreview = t
    const raw = image.width * image.height <= RAW_PREVIEW_PIXELS
    const bytes = raw ? new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length) : encodePng(image)
    sink.frame({ type: 'preview', id, format: raw ? 'rgba' : 'png', width: image.width, height: image.height, done: p.done, total: p.total }, bytes)
  }

  try {
    const r = await engine.stylizeAsync(job.content, job.styles, job.options, { signal: job.controller.signal, onProgress, onPreview })
    if (r.stopped && job.controller.signal.aborted) {
      sink.json({ type: 'canceled', id })
      return { kind: 'canceled' }
    }
    const png = encodePng(r.image)
    sink.frame({ type: 'result', id, format: 'png', width: r.image.width, height: r.image.height, iterations: r.iterations, elapsedMs: r.elapsedMs, stopped: r.stopped }, png)
    return { kind: 'done', elapsedMs: r.elapsedMs, stopped: r.stopped }
  } catch (e) {
    const message = describeError(e)
    const oom = /out of memory/i.test(message)
    sink.json({ type: 'error', id, code: oom ? 'out-of-memory' : 'job-failed', message: oom ? `The job ran out of memory; choose a smaller size. (${message})` : `The job failed: ${message}` })
    return { kind: 'failed', code: oom ? 'out-of-memory' : 'job-failed', message }
  }
}
