import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { HelperClient, HelperJobError, type HelperState } from '../../ui/helper-client/helper-client.js'
import type { WebSocketFactory, WebSocketLike } from '../../ui/helper-client/socket-like.js'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { decodeImage, encodePng } from '../../helper/image-io.js'
import { startServer, TOKEN, tiny } from './support.js'
import { checker, gradient } from '../support/tf.js'

// Node 20 has no global WebSocket: the ws package's one stands in for the browser's.
const createSocket: WebSocketFactory = (url, protocols) => new WebSocket(url, protocols, { origin: 'null' }) as unknown as WebSocketLike

let server: HelperServer
before(async () => { server = await startServer() })
after(() => server.close())

const client = (opts: { token?: string; url?: string; states?: HelperState[]; delays?: number[] } = {}): HelperClient =>
  new HelperClient({
    url: opts.url ?? server.wsUrl, token: opts.token ?? TOKEN, createSocket, reconnectDelaysMs: opts.delays ?? [50, 100],
    onStatus: (s) => opts.states?.push(s.state)
  })

test('connect, pair, run a job with progress and previews, get the PNG; state goes paired -> busy -> paired', async () => {
  const states: HelperState[] = []
  const c = client({ states })
  const caps = await c.connect()
  assert.equal(caps.backend, 'wasm')
  let progress = 0
  let previews = 0
  const job = c.submit({ png: encodePng(gradient(32, 32)) }, [checker(32, 32)], tiny, {
    onProgress: () => { progress += 1 },
    onPreview: (f) => { previews += 1; assert.equal(f.bytes.length, f.width * f.height * 4) }
  })
  assert.equal(c.current.state, 'busy')
  const r = await job.result
  const img = decodeImage(r.png)
  assert.deepEqual([img.width, img.height, r.iterations], [32, 32, 2])
  assert.equal(progress, 2)
  assert.equal(previews, 2)
  assert.deepEqual(states, ['connecting', 'paired', 'busy', 'paired'])
  c.close()
  assert.equal(c.current.state, 'disconnected')
})

test('cancel rejects the job with code canceled and the last preview', async () => {
  const c = client()
  await c.connect()
  let job: ReturnType<HelperClient['submit']> | null = null
  job = c.submit(gradient(32, 32), [checker(32, 32)], { ...tiny, stepsFirst: 500 }, { onPreview: () => job?.cancel() })
  await assert.rejects(job.result, (e: unknown) => e instanceof HelperJobError && e.code === 'canceled' && e.lastPreview !== null)
  assert.equal(c.current.state, 'paired')
  c.close()
})

test('a helper error reaches the job as its code and sentence', async () => {
  const c = client()
  await c.connect()
  const job = c.submit(gradient(32, 32), [checker(32, 32)], { size: 10_000 })
  await assert.rejects(job.result, (e: unknown) => e instanceof HelperJobError && e.code === 'image-too-large' && /limit of 256/.test(e.message))
  c.close()
})

test('an image over the helper\'s message limit is refused in a sentence before sending; the connection stays up', async () => {
  const small = await startServer({ maxPayload: 8 * 1024 })
  try {
    const c = new HelperClient({ url: small.wsUrl, token: TOKEN, createSocket, reconnectDelaysMs: [50] })
    await c.connect()
    // 64x64 raw RGBA is 16 KB, twice the limit; sent, it would have closed the socket with 1009.
    const job = c.submit(gradient(64, 64), [checker(32, 32)], tiny)
    await assert.rejects(job.result, (e: unknown) => e instanceof HelperJobError && e.code === 'image-too-large' &&
      /^The content image is 17 KB, more than the helper accepts in one message \(8 KB\); choose a smaller size\.$/.test(e.message))
    assert.equal(c.current.state, 'paired')
    // The same connection still runs a job that fits (a PNG of the same image is far smaller).
    const ok = c.submit({ png: encodePng(gradient(32, 32)) }, [checker(16, 16)], tiny)
    assert.equal((await ok.result).iterations, 2)
    c.close()
  } finally {
    await small.close()
  }
})

test('a wrong token fails to connect with a plain sentence', async () => {
  const c = client({ token: 'wrong-token-wrong-token-wrong-token' })
  await assert.rejects(c.connect(), /^Error: The helper refused the pairing token\. Copy it again from the helper's window\.$/)
  assert.equal(c.current.state, 'error')
  c.close()
})

test('the helper going away mid-job rejects it as disconnected; the client reconnects when the helper is back', async () => {
  const s = await startServer()
  const port = s.port
  const states: HelperState[] = []
  // Waits long enough (6 s in all) for the helper to come back on the same port.
  const c = client({ url: s.wsUrl, states, delays: [50, 100, 200, 400, 800, 1600, 3200] })
  let closing: Promise<void> | null = null
  try {
    await c.connect()
    const job = c.submit(gradient(32, 32), [checker(32, 32)], { ...tiny, stepsFirst: 500 }, { onPreview: () => { closing ??= s.close() } })
    await assert.rejects(job.result, (e: unknown) => e instanceof HelperJobError && e.code === 'disconnected' && e.lastPreview !== null)
    assert.equal(c.current.state, 'connecting')
    // The port is free once the old helper has stopped its job and closed.
    await closing
    const again = await startServer({ port })
    try {
      const state = (): HelperState => c.current.state
      const t0 = Date.now()
      while (state() !== 'paired' && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 25))
      assert.equal(state(), 'paired')
      assert.ok(states.includes('busy') && states.at(-1) === 'paired')
    } finally {
      await again.close()
    }
  } finally {
    c.close() // stops reconnecting, whatever happened above
    await closing
  }
})
