import { WebSocket, type RawData } from 'ws'
import { OptionsError, resolveOptions } from '../../models/style-transfer/index.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import {
  BINARY_TYPES, CLOSE_NO_HELLO, decodeFrame, encodeFrame, FrameError, parseClientMessage, PROTOCOL_VERSION, UnknownTypeError, ValidationError,
  type CapabilitiesMessage, type ClientMessage, type ErrorCode, type ImageMessage, type ServerMessage, type SubmitMessage
} from '../protocol.js'
import { decodeUpload, UploadError } from './decode-upload.js'
import type { Job, JobSink } from './job.js'
import { QueueFullError, type JobQueue } from './job-queue.js'
import { estimateJobMemory, formatBytes } from './memory-estimate.js'
import type { MemoryLedger } from './memory-ledger.js'
import { formatRoughDuration, pixelIterationsOf, type SpeedMeter } from './job-time.js'
import type { TileConfig } from '../../models/style-transfer/tiles.js'

export interface SessionContext {
  clientId: number
  maxSide: number
  /** JSON text messages are small; a big one is refused with an error, the socket stays. */
  maxTextBytes: number
  /** Images a client may hold uploaded and not yet submitted. */
  maxImages: number
  /** Bytes of pixels (RGBA) a client may hold uploaded and not yet submitted. */
  maxImageBytes: number
  /** Jobs of one client that may wait behind the running one (the queue's own limit is for all). */
  maxQueuedPerClient: number
  /** Everything held in memory, which each upload is admitted against. */
  ledger: MemoryLedger
  /** Most iterations of one job, over all its scales. */
  maxIterations: number
  /** Longest estimated time of one job. */
  maxJobMs: number
  /** The measured (or configured) speed the time estimate uses. */
  speed: SpeedMeter
  /** How long a socket may stay open without a valid hello. */
  helloTimeoutMs: number
  memoryBudgetBytes: number
  /** The engine's tiling, which the memory estimate accounts for. */
  tile: TileConfig | null
  capabilities: () => CapabilitiesMessage
  queue: JobQueue
}

/** A refusal the client hears about as an `error` message; the socket stays open. */
class ProtocolError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly id?: string) {
    super(message)
  }
}

const toBytes = (data: RawData): Uint8Array =>
  Array.isArray(data) ? new Uint8Array(Buffer.concat(data)) : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.length)

/**
 * One client's conversation: hello, image uploads, submit, cancel. Every bad input is answered
 * with an error message naming the problem (never swallowed), and the socket keeps working.
 * Uploaded pixels live here until a submit takes them or the socket closes.
 */
export function attachSession(ws: WebSocket, ctx: SessionContext): void {
  const images = new Map<string, RgbaImage>()
  let paired = false
  // A socket that never says hello holds one of maxClients' places and does nothing with it.
  const helloTimer = setTimeout(() => {
    if (!paired && ws.readyState === WebSocket.OPEN) ws.close(CLOSE_NO_HELLO, `No valid hello within ${formatSeconds(ctx.helloTimeoutMs)}; send hello first.`)
  }, ctx.helloTimeoutMs)
  helloTimer.unref()

  const sink: JobSink = {
    json: (msg) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)) },
    frame: (header, payload) => { if (ws.readyState === WebSocket.OPEN) ws.send(encodeFrame(header, payload), { binary: true }) },
    bufferedAmount: () => ws.bufferedAmount
  }

  ws.on('message', (data, isBinary) => {
    try {
      const bytes = toBytes(data)
      handle(isBinary ? readBinary(bytes) : readText(bytes))
    } catch (e) {
      sink.json(toErrorMessage(e))
    }
  })
  ws.on('close', () => {
    clearTimeout(helloTimer)
    // The client is gone: its waiting jobs are dropped, its running job stops, its pixels go.
    ctx.queue.cancelClient(ctx.clientId)
    images.clear()
    ctx.ledger.setUploads(ctx.clientId, 0)
  })

  function readText(bytes: Uint8Array): { msg: ClientMessage; payload: null } {
    if (bytes.length > ctx.maxTextBytes) throw new ProtocolError('too-large', `A text message of ${bytes.length} bytes is over the limit of ${ctx.maxTextBytes}; pixels go in binary frames.`)
    let value: unknown
    try {
      value = JSON.parse(Buffer.from(bytes).toString('utf8'))
    } catch (e) {
      throw new ProtocolError('bad-json', `The message is not valid JSON (${(e as Error).message}).`)
    }
    const msg = parseClientMessage(value)
    if (BINARY_TYPES.has(msg.type)) throw new ProtocolError('bad-message', `${msg.type} messages carry pixels and must be sent as binary frames.`)
    return { msg, payload: null }
  }

  function readBinary(bytes: Uint8Array): { msg: ImageMessage; payload: Uint8Array } {
    const { header, payload } = decodeFrame(bytes)
    const msg = parseClientMessage(header)
    if (msg.type !== 'image') throw new ProtocolError('bad-frame', `Binary frames carry images only; send ${msg.type} as JSON text.`)
    return { msg, payload }
  }

  function handle(m: { msg: ClientMessage; payload: Uint8Array | null }): void {
    const { msg } = m
    if (msg.type === 'hello') {
      if (msg.protocol !== PROTOCOL_VERSION) {
        throw new ProtocolError('protocol-version', `This helper speaks protocol ${PROTOCOL_VERSION} and the client ${msg.protocol}; update the older of the two.`)
      }
      paired = true
      clearTimeout(helloTimer)
      sink.json(ctx.capabilities())
      return
    }
    if (!paired) throw new ProtocolError('not-ready', 'Send hello first.')
    if (msg.type === 'image') return upload(msg, m.payload as Uint8Array)
    if (msg.type === 'submit') return submit(msg)
    const where = ctx.queue.cancel(ctx.clientId, msg.id)
    if (where === null) throw new ProtocolError('unknown-job', `There is no job ${msg.id} to cancel.`, msg.id)
    // A running job answers `canceled` itself once the engine has stopped.
    if (where === 'waiting') sink.json({ type: 'canceled', id: msg.id })
  }

  const heldBytes = (): number => {
    let n = 0
    for (const img of images.values()) n += img.data.length
    return n
  }

  function upload(msg: ImageMessage, payload: Uint8Array): void {
    if (!images.has(msg.ref) && images.size >= ctx.maxImages) {
      throw new ProtocolError('too-many-images', `At most ${ctx.maxImages} images may wait for a submit; submit or reuse a reference.`)
    }
    // Decoding first is bounded (maxSide, maxPayload, one message at a time); the decoded pixels
    // are what would be held, and they are dropped at once when refused.
    const image = decodeUpload(msg, payload, ctx.maxSide)
    const replaced = images.get(msg.ref)?.data.length ?? 0
    const mine = heldBytes() - replaced + image.data.length
    if (mine > ctx.maxImageBytes) {
      throw new ProtocolError('too-many-images', `Image ${msg.ref} (${image.width}x${image.height}) would bring this client's images waiting for a submit to ${formatBytes(mine)}, over the limit of ${formatBytes(ctx.maxImageBytes)}; submit a job with the images already sent first.`)
    }
    const total = ctx.ledger.held() - replaced + image.data.length
    if (total > ctx.ledger.budgetBytes) {
      throw new ProtocolError('out-of-memory', `Image ${msg.ref} (${image.width}x${image.height}) would bring what the helper holds to ${formatBytes(total)}, over its memory budget of ${formatBytes(ctx.ledger.budgetBytes)}; try again when a job has finished.`)
    }
    images.set(msg.ref, image)
    ctx.ledger.setUploads(ctx.clientId, mine)
  }

  function submit(msg: SubmitMessage): void {
    const { id } = msg
    if (ctx.queue.has(ctx.clientId, id)) throw new ProtocolError('duplicate-job', `Job ${id} is already queued or running; use a new id.`, id)
    // One client may not take the whole line: the others' jobs must still get in.
    if (ctx.queue.running !== null && ctx.queue.waitingFor(ctx.clientId) >= ctx.maxQueuedPerClient) {
      throw new ProtocolError('queue-full', `This client already has ${ctx.maxQueuedPerClient} jobs waiting; submit another when one of them has started.`, id)
    }
    const take = (ref: string): RgbaImage => {
      const img = images.get(ref)
      if (img === undefined) throw new ProtocolError('unknown-image', `Image ${ref} was not uploaded (send an image frame with that ref first).`, id)
      return img
    }
    const content = take(msg.content)
    const styles = msg.styles.map(take)
    const options = msg.options ?? {}
    let resolved
    try {
      resolved = resolveOptions(options)
    } catch (e) {
      if (e instanceof OptionsError) throw new ProtocolError('bad-options', `submit.options.${e.message}.`, id)
      throw e
    }
    if (resolved.size > ctx.maxSide) {
      throw new ProtocolError('image-too-large', `An output of ${resolved.size} pixels per side is larger than this helper's limit of ${ctx.maxSide}.`, id)
    }
    const estimate = estimateJobMemory(content, styles, resolved, ctx.tile)
    // A typo of 100000 steps would hold the only engine for days; refuse it before it starts.
    const { total } = estimate.plan
    if (total > ctx.maxIterations) {
      throw new ProtocolError('bad-options', `This job has ${total} iterations over its ${estimate.plan.scales.length} scales, more than this helper's limit of ${ctx.maxIterations}; choose fewer steps.`, id)
    }
    const ms = ctx.speed.estimateMs(estimate.plan)
    if (ms !== null && ms > ctx.maxJobMs) {
      const speed = (ctx.speed.msPerPixelIteration as number) * 1000
      throw new ProtocolError('bad-options', `This job would take about ${formatRoughDuration(ms)} (${pixelIterationsOf(estimate.plan)} pixel-iterations at ${Number(speed.toPrecision(2))} µs each), more than this helper's limit of ${formatRoughDuration(ctx.maxJobMs)}; choose fewer steps or a smaller size.`, id)
    }
    if (estimate.bytes > ctx.memoryBudgetBytes) {
      throw new ProtocolError('out-of-memory', `This job needs about ${formatBytes(estimate.bytes)} and the helper's memory budget is ${formatBytes(ctx.memoryBudgetBytes)}; choose a smaller size.`, id)
    }
    const job: Job = {
      key: `${ctx.clientId}:${id}`, id, clientId: ctx.clientId, content, styles, options,
      plan: estimate.plan, memoryBytes: estimate.bytes, controller: new AbortController(), sink
    }
    let position: number
    try {
      position = ctx.queue.add(job)
    } catch (e) {
      if (e instanceof QueueFullError) throw new ProtocolError('queue-full', e.message, id)
      throw e
    }
    // The job holds the pixels now; the upload slots are free for the next job.
    images.delete(msg.content)
    for (const ref of msg.styles) images.delete(ref)
    ctx.ledger.setUploads(ctx.clientId, heldBytes())
    if (position > 0) sink.json({ type: 'queued', id, position })
  }
}

const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))} s`

function toErrorMessage(e: unknown): ServerMessage {
  if (e instanceof ProtocolError) return e.id === undefined ? { type: 'error', code: e.code, message: e.message } : { type: 'error', code: e.code, message: e.message, id: e.id }
  if (e instanceof UnknownTypeError) return { type: 'error', code: 'unknown-type', message: `${e.message}.` }
  if (e instanceof ValidationError) return { type: 'error', code: 'bad-message', message: `${e.message}.` }
  if (e instanceof FrameError) return { type: 'error', code: 'bad-frame', message: `${e.message}.` }
  if (e instanceof UploadError) return { type: 'error', code: e.code, message: e.message }
  return { type: 'error', code: 'job-failed', message: `The helper could not handle the message: ${(e as Error).message}` }
}
