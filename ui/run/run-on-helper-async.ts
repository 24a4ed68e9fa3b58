// Running one job on the paired helper: when a job goes there, and the run itself (upload, progress,
// previews, stop / cancel, result) reported through the same events as a local run.
import type { JobOptions } from '../../helper/protocol.js'
import type { Settings } from '../../plugin/messages.js'
import type { HelperChoice } from '../backend.js'
import type { Progress, RgbaImage, RunResult, StyleTransferOptions } from '../../models/style-transfer/index.js'
import { type HelperClient, type HelperFrame, HelperJobError } from '../helper-client/helper-client.js'
import { decodePngAsync } from '../image/decode-png-async.js'

/**
 * In "Automatic", a job goes to the paired helper when its output's long side is above this. The
 * optimisation keeps several VGG activations of every scale alive at once (roughly 1-2 GB at
 * 2048 px), which is where WebGPU / WebGL in a plugin iframe start running out of memory and the
 * wasm backend takes minutes; at 1024 px and below the panel itself is fast enough.
 */
export const HELPER_AUTO_MIN_SIDE = 1024

/** The helper's address as the client needs it: a bare ws://host:port gets the /ws path. */
export function helperSocketUrl(address: string): string {
  const text = address.trim()
  try {
    const url = new URL(text)
    if (url.protocol === 'http:') url.protocol = 'ws:'
    if (url.protocol === 'https:') url.protocol = 'wss:'
    if (url.pathname === '' || url.pathname === '/') url.pathname = '/ws'
    return url.href
  } catch {
    return text // the client says the address is not valid
  }
}

/**
 * Whether this job runs on the helper: a HelperChoice, or null to run in the panel (then `why` says
 * why not, when the settings asked for the helper).
 */
export function helperRouteOf(settings: Settings, helper: HelperClient | null): { choice: HelperChoice | null; why: string | null } {
  const caps = helper?.current.capabilities ?? null
  const paired = helper !== null && caps !== null && (helper.current.state === 'paired' || helper.current.state === 'busy')
  const forced = settings.backend === 'helper'
  if (!forced && settings.backend !== 'auto') return { choice: null, why: null }
  if (!paired || caps === null) return { choice: null, why: forced ? 'the helper is not connected' : null }
  if (!forced && settings.size <= HELPER_AUTO_MIN_SIDE) return { choice: null, why: null }
  const reason = forced ? 'chosen in the settings' : `a ${settings.size} px job is faster and safer on the paired helper`
  return { choice: { backend: 'helper', engine: caps.backend, device: caps.device, reason }, why: null }
}

/**
 * The job's options as the helper takes them: the engine's own (its JobOptions are derived from the
 * engine's declaration), so colour modes, several styles, L-BFGS and seeds run there as here.
 */
export function helperOptionsOf(options: Partial<StyleTransferOptions>): JobOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as JobOptions
}

async function frameToImageAsync(frame: HelperFrame): Promise<RgbaImage> {
  if (frame.format === 'png') return decodePngAsync(frame.bytes)
  return { data: frame.bytes, width: frame.width, height: frame.height }
}

export interface HelperRunEvents {
  onProgress(progress: Progress): void
  onPreview(image: RgbaImage): void
}

/** A job the helper refused or failed, already worded for the designer. */
export class HelperRunError extends Error {
  override name = 'HelperRunError'
}

/**
 * The helper went away mid-job; `lastPreview` (if any) lets the caller go on in the panel.
 */
export class HelperLostError extends Error {
  override name = 'HelperLostError'
  constructor(message: string, readonly lastPreview: RgbaImage | null) {
    super(message)
  }
}

/**
 * Runs the job on the helper. "Stop and place" (signal aborted) cancels it there and returns the
 * last preview as a stopped result, since the helper's `canceled` carries no image; "Cancel" is the
 * caller's business (it checks isCancelled afterwards). Throws HelperLostError when the helper
 * disappears, and a HelperRunError with the helper's sentence for anything else.
 */
export async function runOnHelperAsync(
  helper: HelperClient, content: RgbaImage, styles: readonly RgbaImage[], options: Partial<StyleTransferOptions>,
  events: HelperRunEvents, signal: AbortSignal
): Promise<RunResult> {
  const started = Date.now()
  let lastPreview: RgbaImage | null = null
  let lastDone = 0
  // Previews decode in order (PNG frames are asynchronous), so the last one wins.
  let previews: Promise<void> = Promise.resolve()
  const job = helper.submit(content, styles, helperOptionsOf(options), {
    onProgress: (p) => {
      lastDone = p.done
      events.onProgress({
        scale: p.scale, scales: p.scales, width: p.width, height: p.height, iteration: p.iteration, iterations: p.iterations,
        done: p.done, total: p.total, loss: p.loss, parts: Object.fromEntries(p.parts.map(({ term, value }) => [term, value])),
        elapsedMs: p.elapsedMs, etaMs: p.etaMs
      })
    },
    onPreview: (frame) => {
      previews = previews.then(async () => {
        const image = await frameToImageAsync(frame)
        lastPreview = image
        events.onPreview(image)
      }).catch(() => undefined)
    }
  })
  const onAbort = (): void => job.cancel()
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  try {
    const r = await job.result
    return { image: await decodePngAsync(r.png), stopped: r.stopped, iterations: r.iterations, elapsedMs: r.elapsedMs }
  } catch (error) {
    await previews
    if (!(error instanceof HelperJobError)) throw error
    if (error.code === 'disconnected') throw new HelperLostError(error.message, lastPreview)
    if (error.code === 'canceled' && signal.aborted) {
      if (lastPreview === null) throw new HelperRunError('The helper stopped before it sent a preview, so there was no image to place. Try again and stop a little later.')
      return { image: lastPreview, stopped: true, iterations: lastDone, elapsedMs: Date.now() - started }
    }
    // Busy is not the job's fault: a smaller size would not help, waiting or another Run on would.
    if (error.code === 'queue-full') throw new HelperRunError(`${error.message} Or choose another Run on under Advanced.`)
    throw new HelperRunError(`The helper could not run the job: ${error.message} Try a smaller output size, or another Run on under Advanced.`)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
