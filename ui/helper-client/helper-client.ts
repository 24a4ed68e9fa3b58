import type { RgbaImage } from '../../models/style-transfer/types.js'
import {
  decodeFrame, encodeFrame, parseServerMessage, PROTOCOL_VERSION, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX,
  type CapabilitiesMessage, type ErrorCode, type JobOptions, type PixelFormat, type ProgressMessage, type ServerMessage
} from '../../helper/protocol.js'
import { browserLocalNetworkAccess, diagnoseRefusalAsync, type Diagnosis, type FetchLike, type LocalNetworkProbe } from './diagnose-refusal-async.js'
import { browserWebSocket, OPEN, type WebSocketFactory, type WebSocketLike } from './socket-like.js'

export type HelperState = 'disconnected' | 'connecting' | 'paired' | 'busy' | 'error'

export interface HelperStatus {
  /** 'error': the client stopped trying; retry() starts again. */
  state: HelperState
  capabilities: CapabilitiesMessage | null
  /**
   * One sentence for the user: why the client stopped ('error'), why the last try failed
   * ('connecting'), or how many jobs are ahead of this one ('busy').
   */
  message: string | null
}

export interface HelperClientOptions {
  /** Default ws://localhost:8787/ws ("localhost", not 127.0.0.1: Figma's allowedDomains refuse IP literals). */
  url?: string
  token: string
  createSocket?: WebSocketFactory
  onStatus?: (status: HelperStatus) => void
  /**
   * The waits before each new try after a failed or lost connection; after the last one fails the
   * client stops, says why (state 'error') and waits for retry().
   */
  reconnectDelaysMs?: readonly number[]
  /** Asks the helper's HTTP side why an upgrade failed (default: the global fetch). */
  fetch?: FetchLike
  /** The browser's local-network permission, asked when the probe fails too (default: navigator.permissions). */
  localNetwork?: LocalNetworkProbe
  /** Called for a server message that fails validation (a version skew or a bug, never silent). */
  onProtocolWarning?: (message: string) => void
}

/** An image for the helper: PNG bytes as exported by the host, or decoded RGBA pixels. */
export type HelperImage = { png: Uint8Array } | RgbaImage

export interface HelperFrame { format: PixelFormat; width: number; height: number; bytes: Uint8Array; done: number; total: number }
export interface HelperResult { png: Uint8Array; width: number; height: number; iterations: number; elapsedMs: number; stopped: boolean }

export interface JobCallbacks {
  onQueued?: (position: number) => void
  onStarted?: (info: { width: number; height: number; total: number }) => void
  onProgress?: (p: ProgressMessage) => void
  onPreview?: (frame: HelperFrame) => void
}

/**
 * A job that did not produce a result. code 'canceled': the user canceled; 'disconnected': the
 * helper went away mid-job (lastPreview, if any, lets the UI continue locally from it); otherwise
 * the helper's error code, with its sentence as the message.
 */
export class HelperJobError extends Error {
  override name = 'HelperJobError'
  constructor(readonly code: ErrorCode | 'canceled' | 'disconnected', message: string, readonly lastPreview: HelperFrame | null = null) {
    super(message)
  }
}

export interface HelperJob {
  id: string
  result: Promise<HelperResult>
  cancel(): void
}

interface Pending {
  callbacks: JobCallbacks
  lastPreview: HelperFrame | null
  resolve(r: HelperResult): void
  reject(e: HelperJobError): void
}

// Doubling waits, 15 s in all: long enough for a helper that is starting, short enough that a
// panel without one stops and says so instead of trying forever.
const DEFAULT_DELAYS = [1000, 2000, 4000, 8000]

/**
 * The UI's connection to the local helper: pairs with the token (sent as a subprotocol, so it
 * never appears in a URL), says hello, uploads images as binary frames, submits jobs and routes
 * their messages, cancels, and reconnects after the helper restarts, a few times with growing waits.
 * State changes go to onStatus.
 */
export class HelperClient {
  private socket: WebSocketLike | null = null
  private status: HelperStatus = { state: 'disconnected', capabilities: null, message: null }
  private readonly jobs = new Map<string, Pending>()
  private nextId = 1
  private attempts = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private wanted = false
  /** Bumped by every open() and close(): a diagnosis that finishes late is dropped. */
  private generation = 0
  /** One-shot listeners of connect() calls. */
  private readonly watchers = new Set<(s: HelperStatus) => void>()
  private readonly url: string
  private readonly createSocket: WebSocketFactory
  private readonly fetch: FetchLike

  constructor(private readonly options: HelperClientOptions) {
    this.url = options.url ?? 'ws://localhost:8787/ws'
    this.createSocket = options.createSocket ?? browserWebSocket()
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
  }

  get current(): HelperStatus { return this.status }

  /** Connects (and keeps reconnecting until close()). Resolves once paired, or rejects on the first failure. */
  connect(): Promise<CapabilitiesMessage> {
    this.wanted = true
    this.attempts = 0
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    return new Promise((resolve, reject) => {
      const watch = (s: HelperStatus): void => {
        if (s.state === 'paired' && s.capabilities !== null) { this.watchers.delete(watch); resolve(s.capabilities) }
        if (s.state === 'error' || (s.state === 'connecting' && this.attempts > 0)) { this.watchers.delete(watch); reject(new Error(s.message ?? 'Could not reach the helper.')) }
      }
      this.watchers.add(watch)
      this.open()
    })
  }

  /** After the client stopped trying (state 'error'): tries again from the first wait. */
  retry(): void {
    if (this.status.state !== 'error') return
    this.connect().catch(() => undefined) // the status says why
  }

  /** Closes for good: no reconnect; jobs in flight are rejected as disconnected. */
  close(): void {
    this.wanted = false
    this.generation += 1
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const s = this.socket
    this.socket = null
    s?.close(1000, 'client closed')
    this.failAll('disconnected', 'The connection to the helper was closed.')
    this.setStatus({ state: 'disconnected', capabilities: null, message: null })
  }

  submit(content: HelperImage, styles: readonly HelperImage[], options: JobOptions = {}, callbacks: JobCallbacks = {}): HelperJob {
    const id = `job-${this.nextId++}`
    const result = new Promise<HelperResult>((resolve, reject) => {
      if (this.socket === null || this.socket.readyState !== OPEN || this.status.capabilities === null) {
        reject(new HelperJobError('disconnected', 'The helper is not connected.'))
        return
      }
      // A frame over the helper's maxPayload would make it close the connection (1009) and fail
      // every job on it: refuse that image here with a sentence instead, before sending anything.
      const frames = [content, ...styles].map((image, i) => ({ image, frame: this.frameOf(i === 0 ? `${id}-c` : `${id}-s${i - 1}`, image) }))
      const caps = this.status.capabilities
      const tooBig = frames.find((f) => f.frame.length > caps.maxPayload)
      if (tooBig !== undefined) {
        const which = tooBig.image === content ? 'The content image' : 'A style image'
        reject(new HelperJobError('image-too-large', `${which} is ${formatSize(tooBig.frame.length)}, more than the helper accepts in one message (${formatSize(caps.maxPayload)}); choose a smaller size.`))
        return
      }
      this.jobs.set(id, { callbacks, lastPreview: null, resolve, reject })
      for (const f of frames) this.sendBytes(f.frame)
      this.send({ type: 'submit', id, content: `${id}-c`, styles: styles.map((_, i) => `${id}-s${i}`), options })
      this.refreshBusy()
    })
    return { id, result, cancel: () => { if (this.jobs.has(id)) this.send({ type: 'cancel', id }) } }
  }

  private open(): void {
    const generation = ++this.generation
    this.setStatus({ state: 'connecting', capabilities: null, message: this.status.message })
    let socket: WebSocketLike
    try {
      socket = this.createSocket(this.url, [SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${this.options.token}`])
    } catch (e) {
      this.setStatus({ state: 'error', capabilities: null, message: `The Helper address ${this.url} is not valid (${(e as Error).message}). Correct it under Advanced.` })
      return
    }
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      this.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'stylecraft-ui' })
    }
    socket.onmessage = (ev) => this.receive(ev.data)
    socket.onerror = () => undefined // onclose follows and says what happened
    socket.onclose = (ev) => {
      if (this.socket !== socket) return
      this.socket = null
      this.failAll('disconnected', 'The helper went away during the job.')
      if (opened) {
        const message = ev.code === 1009
          ? 'The helper closed the connection: a message was larger than it accepts (code 1009).'
          : ev.reason !== ''
            ? `The helper closed the connection: ${ev.reason} (code ${ev.code}).`
            : `The helper closed the connection (code ${ev.code}).`
        return this.afterFailure(generation, { message, retry: true })
      }
      // Browsers hide the HTTP status of a refused upgrade: a close before open is all we learn
      // from the socket, so the helper's HTTP side is asked why.
      diagnoseRefusalAsync(this.url, this.options.token, this.fetch, this.options.localNetwork ?? browserLocalNetworkAccess).then(
        (diagnosis) => this.afterFailure(generation, diagnosis),
        (e: unknown) => this.afterFailure(generation, { message: `Could not reach the helper at ${this.url} (${(e as Error).message}).`, retry: true })
      )
    }
  }

  /** Tries again after the next wait, or stops and says why when waiting cannot help or the waits are used up. */
  private afterFailure(generation: number, { message, retry }: Diagnosis): void {
    if (generation !== this.generation) return
    if (!this.wanted) return this.setStatus({ state: 'disconnected', capabilities: null, message })
    const delays = this.options.reconnectDelaysMs ?? DEFAULT_DELAYS
    const delay = delays[this.attempts]
    if (!retry || delay === undefined) return this.setStatus({ state: 'error', capabilities: null, message })
    this.attempts += 1
    this.setStatus({ state: 'connecting', capabilities: null, message })
    this.timer = setTimeout(() => { this.timer = null; if (this.wanted) this.open() }, delay)
  }

  private receive(data: unknown): void {
    let msg: ServerMessage
    let payload: Uint8Array | null = null
    try {
      if (typeof data === 'string') {
        msg = parseServerMessage(JSON.parse(data))
      } else {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array)
        const frame = decodeFrame(bytes)
        msg = parseServerMessage(frame.header)
        payload = frame.payload
      }
    } catch (e) {
      this.options.onProtocolWarning?.(`Ignored a message from the helper: ${(e as Error).message}`)
      return
    }
    if (msg.type === 'capabilities') {
      this.attempts = 0
      this.setStatus({ state: 'paired', capabilities: msg, message: null })
      this.refreshBusy()
      return
    }
    if (msg.type === 'error' && msg.id === undefined) {
      if (msg.code === 'protocol-version') {
        this.wanted = false
        // Detached first, so its close does not replace this sentence with a generic one.
        const socket = this.socket
        this.socket = null
        socket?.close(1000, 'protocol mismatch')
        this.setStatus({ state: 'error', capabilities: null, message: msg.message })
      } else {
        this.options.onProtocolWarning?.(msg.message)
      }
      return
    }
    const job = this.jobs.get(msg.id ?? '')
    if (job === undefined || !('id' in msg)) return
    const id = msg.id as string
    switch (msg.type) {
      case 'queued':
        // position 1 = next to run, so the running job is the one ahead of it.
        this.setStatus({ ...this.status, state: 'busy', message: busySentence(msg.position) })
        job.callbacks.onQueued?.(msg.position)
        break
      case 'started':
        if (this.status.message !== null) this.setStatus({ ...this.status, message: null })
        job.callbacks.onStarted?.({ width: msg.width, height: msg.height, total: msg.total })
        break
      case 'progress': job.callbacks.onProgress?.(msg); break
      case 'preview': {
        const frame: HelperFrame = { format: msg.format, width: msg.width, height: msg.height, bytes: payload ?? new Uint8Array(0), done: msg.done, total: msg.total }
        job.lastPreview = frame
        job.callbacks.onPreview?.(frame)
        break
      }
      case 'result':
        this.finish(id)
        job.resolve({ png: payload ?? new Uint8Array(0), width: msg.width, height: msg.height, iterations: msg.iterations, elapsedMs: msg.elapsedMs, stopped: msg.stopped })
        break
      case 'canceled':
        this.finish(id)
        job.reject(new HelperJobError('canceled', 'The job was canceled.', job.lastPreview))
        break
      case 'error': {
        this.finish(id)
        // Full: the running job and every waiting one are ahead.
        const full = msg.code === 'queue-full' && this.status.capabilities !== null
        const message = full ? `${busySentence(this.status.capabilities!.maxQueue + 1)} Try again when one has finished.` : msg.message
        job.reject(new HelperJobError(msg.code, message, job.lastPreview))
        break
      }
    }
  }

  private frameOf(ref: string, image: HelperImage): Uint8Array {
    if ('png' in image) return encodeFrame({ type: 'image', ref, format: 'png' }, image.png)
    const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length)
    return encodeFrame({ type: 'image', ref, format: 'rgba', width: image.width, height: image.height }, bytes)
  }

  private send(msg: object): void { if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(msg)) }
  private sendBytes(bytes: Uint8Array): void { if (this.socket?.readyState === OPEN) this.socket.send(bytes) }

  private finish(id: string): void {
    this.jobs.delete(id)
    this.refreshBusy()
  }

  private failAll(code: 'disconnected', message: string): void {
    const pending = [...this.jobs.values()]
    this.jobs.clear()
    for (const j of pending) j.reject(new HelperJobError(code, message, j.lastPreview))
  }

  private refreshBusy(): void {
    if (this.status.capabilities === null) return
    const state: HelperState = this.jobs.size > 0 ? 'busy' : 'paired'
    if (state !== this.status.state) this.setStatus({ ...this.status, state, message: state === 'paired' ? null : this.status.message })
  }

  private setStatus(s: HelperStatus): void {
    this.status = s
    this.options.onStatus?.(s)
    for (const w of [...this.watchers]) w(s)
  }
}

const busySentence = (ahead: number): string => `The helper is busy (${ahead} job${ahead === 1 ? '' : 's'} ahead).`
const formatSize = (bytes: number): string => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`)
