import { WebSocket, type RawData } from 'ws'
import { createNodeEngine, type NodeEngine } from '../../helper/backend.js'
import { createHelperServer, type HelperServer, type HelperServerOptions } from '../../helper/server/create-helper-server.js'
import { decodeFrame, encodeFrame, parseServerMessage, PROTOCOL_VERSION, SUBPROTOCOL, type ServerMessage } from '../../helper/protocol.js'
import { encodePng } from '../../helper/image-io.js'
import { chooseNodeBackend } from '../../helper/backend.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { realWeights, WEIGHTS_DIR } from '../support/tf.js'

export const TOKEN = 'test-token-0123456789abcdefghijklmnop'

let shared: NodeEngine | null = null
/** One wasm engine per test file, shared by the servers the file starts. */
export async function sharedEngine(): Promise<NodeEngine> {
  if (shared === null) {
    const choice = await chooseNodeBackend('wasm')
    shared = await createNodeEngine(choice, await realWeights())
  }
  return shared
}

export async function startServer(opts: Partial<HelperServerOptions> = {}): Promise<HelperServer> {
  return createHelperServer({
    port: 0, token: TOKEN, weightsDir: WEIGHTS_DIR, maxSide: 256, progressIntervalMs: 0, previewIntervalMs: 0, ...opts,
    engine: opts.engine ?? { engine: await sharedEngine(), backend: 'wasm' }
  })
}

export interface Received { msg: ServerMessage; payload: Uint8Array | null }

/** A real ws client that records every server message, parsed and validated like the UI does. */
export class TestClient {
  readonly ws: WebSocket
  readonly received: Received[] = []
  readonly invalid: string[] = []
  private waiters: Array<() => void> = []
  closed: Promise<{ code: number; reason: string }>

  constructor(url: string, opts: { token?: string | null; origin?: string; headers?: Record<string, string> } = {}) {
    const token = opts.token === undefined ? TOKEN : opts.token
    const full = token === null ? url : `${url}?token=${encodeURIComponent(token)}`
    this.ws = new WebSocket(full, [SUBPROTOCOL], { origin: opts.origin, headers: opts.headers })
    this.ws.on('error', () => undefined)
    this.ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        const buf = data as Buffer
        if (isBinary) {
          const f = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.length))
          this.received.push({ msg: parseServerMessage(f.header), payload: f.payload })
        } else {
          this.received.push({ msg: parseServerMessage(JSON.parse(buf.toString('utf8'))), payload: null })
        }
      } catch (e) {
        this.invalid.push((e as Error).message)
      }
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve()
      this.ws.once('open', () => resolve())
      this.ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })))
      this.ws.once('error', reject)
    })
  }

  send(msg: object): void { this.ws.send(JSON.stringify(msg)) }
  sendFrame(header: object, payload: Uint8Array): void { this.ws.send(encodeFrame(header, payload), { binary: true }) }
  uploadPng(ref: string, image: RgbaImage): void { this.sendFrame({ type: 'image', ref, format: 'png' }, encodePng(image)) }

  /** Resolves with the first message (from index `from`) matching the predicate. */
  async waitFor<T extends ServerMessage['type']>(type: T, pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 60_000): Promise<Received & { msg: Extract<ServerMessage, { type: T }> }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.received.find((r) => r.msg.type === type && pred(r.msg as Extract<ServerMessage, { type: T }>))
      if (hit !== undefined) return hit as Received & { msg: Extract<ServerMessage, { type: T }> }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${type}; got ${JSON.stringify(this.received.map((r) => r.msg))}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => { clearTimeout(t); resolve() })
      })
    }
  }

  async hello(): Promise<void> {
    await this.opened()
    this.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'test' })
    await this.waitFor('capabilities')
  }

  errors(): Array<Extract<ServerMessage, { type: 'error' }>> {
    return this.received.flatMap((r) => (r.msg.type === 'error' ? [r.msg] : []))
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close()
    return this.closed
  }
}

export const tiny = { size: 32, minSize: 32, stepsFirst: 2, steps: 2, previewEvery: 1 }

/** An engine that never runs (upgrade, HTTP and burst tests need no weights). */
export function fakeEngine(): { engine: NodeEngine; backend: 'wasm' } {
  const engine: NodeEngine = {
    engine: {
      stylizeAsync: () => Promise.reject(new Error('the fake engine does not run jobs')),
      dispose: () => undefined
    },
    description: 'fake',
    releaseCaches: async () => undefined,
    tile: null,
    dispose: async () => undefined
  }
  return { engine, backend: 'wasm' }
}

/** Opens a socket and returns the HTTP status of a refused upgrade (or 101 when it opened). */
export async function upgradeStatus(url: string, opts: ConstructorParameters<typeof TestClient>[1] = {}): Promise<number> {
  const c = new TestClient(url, opts)
  try {
    await c.opened()
    await c.close()
    return 101
  } catch (e) {
    return (e as { status?: number }).status ?? -1
  }
}
