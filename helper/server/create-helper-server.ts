import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { tileConfigFor } from './memory-estimate.js'
import { chooseNodeBackend, createNodeEngine, type NodeBackend, type NodeEngine } from '../backend.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'
import { PROTOCOL_VERSION, SUBPROTOCOL, WS_PATH, type CapabilitiesMessage } from '../protocol.js'
import { attachSession } from './client-session.js'
import { deviceName } from './device-name.js'
import { startHeartbeat } from './heartbeat.js'
import { createHttpHandler } from './http-handler.js'
import { JobQueue } from './job-queue.js'
import { MemoryLedger } from './memory-ledger.js'
import { allowedOrigins, checkPairing, checkUpgrade, type Refusal } from './request-guard.js'
import { SpeedMeter } from './job-time.js'
import { runJob } from './run-job.js'

export interface HelperServerOptions {
  /** Loopback only: the helper is never reachable from the network. */
  host?: '127.0.0.1' | 'localhost'
  /** 0 picks a free port (tests). */
  port?: number
  /** The pairing token every WebSocket client must present. */
  token: string
  weightsDir?: string
  /** Forces a backend; default: the chooser's order (helper/backend.ts). */
  backend?: NodeBackend
  /** An engine already made (tests share one); the server does not dispose it. */
  engine?: { engine: NodeEngine; backend: NodeBackend }
  /** Largest side of an upload and of the output (Figma's createImage limit is 4096). */
  maxSide?: number
  /** Jobs that may wait behind the running one. */
  maxQueue?: number
  /** Jobs of one client that may wait behind the running one (default 2). */
  maxQueuedPerClient?: number
  /** Bytes of RGBA pixels one client may hold uploaded and not yet submitted (default: a quarter of the memory budget, at least two images of maxSide x maxSide). */
  maxImageBytesPerClient?: number
  maxClients?: number
  /** Jobs of more iterations than this, over all their scales, are refused before they start (default 5000). */
  maxIterations?: number
  /** Jobs whose estimated time is above this are refused before they start (default one hour). */
  maxJobMs?: number
  /**
   * The speed the time estimate starts from, in ms per pixel-iteration; finished runs of at least a
   * million pixel-iterations replace it with the measured one. Default: none, so the time limit
   * applies once such a run has been measured.
   */
  msPerPixelIteration?: number
  /** Jobs whose estimated peak memory is above this are refused up front. */
  memoryBudgetMb?: number
  /** Largest WebSocket message; default: room for one raw RGBA image of maxSide x maxSide. */
  maxPayload?: number
  maxTextBytes?: number
  heartbeatMs?: number
  /** A socket that has not sent a valid hello this long after connecting is closed (CLOSE_NO_HELLO). */
  helloTimeoutMs?: number
  progressIntervalMs?: number
  previewIntervalMs?: number
  /** Static playground files, served at / and /playground/ when the folder exists. */
  playgroundDir?: string
}

export interface HelperServer {
  port: number
  /** http://127.0.0.1:<port> */
  url: string
  wsUrl: string
  capabilities: CapabilitiesMessage
  stats(): { clients: number; running: string | null; waiting: number }
  close(): Promise<void>
}

export const DEFAULT_PORT = 8787
/** Long enough for a slow plugin iframe to send its hello, short enough that idle sockets do not pile up against maxClients. */
export const DEFAULT_HELLO_TIMEOUT_MS = 5000
/** Four times the High preset at 4096 px (200 + 10 scales x 100): room for custom runs, not for a typo of 100000 steps. */
export const DEFAULT_MAX_ITERATIONS = 5000
export const DEFAULT_MAX_JOB_MS = 60 * 60 * 1000
const DEFAULT_PLAYGROUND = fileURLToPath(new URL('../../build/playground/', import.meta.url))

/**
 * The helper: one HTTP server on loopback carrying GET /health, /weights/<shard>, the playground,
 * and the job WebSocket at /ws. The upgrade is authenticated (path, Host, Origin, token) before
 * ws ever sees the socket, as in ws's express-session-parse example; verifyClient is not used.
 */
/** Figma's largest image side (createImage's limit). */
export const DEFAULT_MAX_SIDE = 4096
/** 60% of this machine's memory, in MB. */
export const defaultMemoryBudgetMb = (): number => Math.floor((totalmem() / 2 ** 20) * 0.6)

export async function createHelperServer(opts: HelperServerOptions): Promise<HelperServer> {
  const host = opts.host ?? '127.0.0.1'
  if (host !== '127.0.0.1' && host !== 'localhost') throw new RangeError(`host: the helper listens on loopback only (127.0.0.1), got ${JSON.stringify(host)}`)
  if (!/^[A-Za-z0-9_-]{16,}$/.test(opts.token)) throw new RangeError('token: expected at least 16 URL-safe characters')
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE
  const maxQueue = opts.maxQueue ?? 8
  const maxClients = opts.maxClients ?? 32
  // A raw RGBA upload of the largest image plus its header; PNGs are smaller.
  const maxPayload = opts.maxPayload ?? maxSide * maxSide * 4 + 64 * 1024
  const memoryBudgetMb = opts.memoryBudgetMb ?? defaultMemoryBudgetMb()
  const weightsDir = opts.weightsDir ?? DEFAULT_WEIGHTS_DIR

  let ownEngine: NodeEngine | null = null
  let backend: NodeBackend
  let nodeEngine: NodeEngine
  if (opts.engine !== undefined) {
    ({ engine: nodeEngine, backend } = opts.engine)
  } else {
    const choice = await chooseNodeBackend(opts.backend)
    const weights = await loadWeightsFromDir(weightsDir)
    try {
      ownEngine = await createNodeEngine(choice, weights, { tile: tileConfigFor(memoryBudgetMb * 2 ** 20, maxSide) })
    } finally {
      for (const t of Object.values(weights)) t.dispose()
    }
    nodeEngine = ownEngine
    backend = choice.backend
  }

  const speed = new SpeedMeter(opts.msPerPixelIteration ?? null)
  const queue = new JobQueue(maxQueue, async (job) => {
    const outcome = await runJob(job, nodeEngine.engine, {
      progressIntervalMs: opts.progressIntervalMs ?? 200,
      previewIntervalMs: opts.previewIntervalMs ?? 1000
    })
    if (outcome.kind === 'done' && !outcome.stopped) speed.record(job.plan, outcome.elapsedMs)
  }, () => nodeEngine.releaseCaches())

  const ledger = new MemoryLedger(memoryBudgetMb * 2 ** 20, queue)
  const maxQueuedPerClient = opts.maxQueuedPerClient ?? 2
  // A quarter leaves room for three more clients and a running job; a content and a style at the
  // largest size always fit (the global budget still has the last word at each upload).
  const maxImageBytes = opts.maxImageBytesPerClient ?? Math.max(2 * maxSide * maxSide * 4, Math.floor(ledger.budgetBytes / 4))

  let port = opts.port ?? DEFAULT_PORT
  let origins = allowedOrigins(port)
  const capabilities = (): CapabilitiesMessage => ({
    type: 'capabilities', protocol: PROTOCOL_VERSION, server: 'stylecraft-helper', backend, device: deviceName(backend),
    maxSide, maxQueue, maxPayload, memoryBudgetMb
  })

  const full = (): Refusal | null =>
    wss.clients.size >= maxClients ? { status: 503, message: `The helper already has ${maxClients} clients connected.` } : null
  const http = createServer(createHttpHandler({
    port: () => port,
    origins: () => origins,
    weightsDir,
    playgroundDir: opts.playgroundDir ?? DEFAULT_PLAYGROUND,
    health: () => ({ backend, busy: queue.running !== null, waiting: queue.waitingCount, msPerPixelIteration: speed.msPerPixelIteration }),
    pairing: (origin, presented) => checkPairing(origin, presented, { token: opts.token, origins, full })
  }))
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    // Images are PNG or raw pixels; deflate would cost CPU and zlib memory for little (ws README).
    perMessageDeflate: false,
    // Only our subprotocol is ever echoed, never the token entry.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false)
  })
  let nextClient = 1

  const refuse = (socket: Duplex, r: Refusal): void => {
    socket.end(`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(r.message)}\r\n\r\n${r.message}`)
    socket.destroy()
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const refusal = checkUpgrade(req, { port, token: opts.token, path: WS_PATH, origins }) ?? full()
    if (refusal !== null) return refuse(socket, refusal)
    wss.handleUpgrade(req, socket, head, (ws) => {
      const clientId = nextClient++
      // Without a listener a socket error would crash the process. ws has already started the
      // close (e.g. 1009 for a payload over maxPayload), so there is nothing else to do.
      ws.on('error', () => undefined)
      attachSession(ws, { clientId, maxSide, maxTextBytes: opts.maxTextBytes ?? 64 * 1024, maxImages: 8, maxImageBytes, maxQueuedPerClient, ledger, speed,
        maxIterations: opts.maxIterations ?? DEFAULT_MAX_ITERATIONS, maxJobMs: opts.maxJobMs ?? DEFAULT_MAX_JOB_MS, helloTimeoutMs: opts.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS, memoryBudgetBytes: memoryBudgetMb * 2 ** 20, tile: nodeEngine.tile, capabilities, queue })
      wss.emit('connection', ws, req)
    })
  })
  const stopHeartbeat = startHeartbeat(wss, opts.heartbeatMs ?? 30_000)

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => resolve())
  })
  const address = http.address()
  if (address !== null && typeof address === 'object') port = address.port
  origins = allowedOrigins(port)

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    capabilities: capabilities(),
    stats: () => ({ clients: wss.clients.size, running: queue.running?.key ?? null, waiting: queue.waitingCount }),
    async close() {
      stopHeartbeat()
      for (const ws of wss.clients) ws.close(1001, 'helper shutting down')
      await queue.drain()
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
      await ownEngine?.dispose()
    }
  }
}
