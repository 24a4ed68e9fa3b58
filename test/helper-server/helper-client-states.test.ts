// The panel's helper client against a real helper on 127.0.0.1, with the ws package's WebSocket
// standing in for the browser's and Node's fetch for the pairing probe: each way a connection can
// fail ends in its own sentence, and the client stops trying after its waits are used up.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { WebSocket } from 'ws'
import { HelperClient, HelperJobError, type HelperStatus } from '../../ui/helper-client/helper-client.js'
import { NOT_RUNNING, TOKEN_REFUSED, type FetchLike } from '../../ui/helper-client/diagnose-refusal-async.js'
import type { WebSocketLike } from '../../ui/helper-client/socket-like.js'
import type { NodeEngine } from '../../helper/backend.js'
import { startServer, TOKEN, tiny } from './support.js'
import { checker, gradient } from '../support/tf.js'

/** Counts every socket and every probe the client makes. */
function counted() {
  const counts = { sockets: 0, probes: 0 }
  const createSocket = (url: string, protocols: string[]): WebSocketLike => {
    counts.sockets += 1
    return new WebSocket(url, protocols, { origin: 'null' }) as unknown as WebSocketLike
  }
  const fetch: FetchLike = (url, init) => { counts.probes += 1; return globalThis.fetch(url, init) }
  return { counts, createSocket, fetch }
}

function until(client: { current: HelperStatus }, statuses: HelperStatus[], pred: (s: HelperStatus) => boolean): Promise<HelperStatus> {
  return new Promise((resolve) => {
    const check = (): void => { const hit = statuses.find(pred); if (hit !== undefined) resolve(hit); else setImmediate(check) }
    check()
  })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address !== 'object') throw new Error('no port')
  return address.port
}

/** An engine whose job runs until it is cancelled, so a queue can be filled without compute. */
function heldEngine(): { engine: NodeEngine; backend: 'wasm' } {
  const engine: NodeEngine = {
    engine: {
      stylizeAsync: (content, _styles, _options, run) => new Promise((resolve) => {
        const stop = () => resolve({ image: content, stopped: true, iterations: 0, elapsedMs: 0 })
        // The helper passes its job's real AbortSignal (the engine's type names only `aborted`).
        const signal = run?.signal as AbortSignal | undefined
        if (signal?.aborted === true) stop()
        else signal?.addEventListener('abort', stop, { once: true })
      }),
      dispose: () => undefined
    },
    description: 'held',
    releaseCaches: async () => undefined,
    tile: null,
    dispose: async () => undefined
  }
  return { engine, backend: 'wasm' }
}

test('no helper on the port: the not-running sentence, four tries (one and three waits), then it stops; Retry connects once the helper is up', async () => {
  const port = await freePort()
  const { counts, createSocket, fetch } = counted()
  const statuses: HelperStatus[] = []
  const c = new HelperClient({ url: `ws://127.0.0.1:${port}/ws`, token: TOKEN, createSocket, fetch, reconnectDelaysMs: [0, 0, 0], onStatus: (s) => statuses.push(s) })
  await assert.rejects(c.connect(), (e: Error) => e.message === NOT_RUNNING)
  const stopped = await until(c, statuses, (s) => s.state === 'error')
  assert.equal(stopped.message, NOT_RUNNING)
  assert.deepEqual(counts, { sockets: 4, probes: 4 })
  // Every failed try said why while it waited.
  assert.deepEqual(statuses.filter((s) => s.message !== null).map((s) => `${s.state}: ${s.message}`).filter((v, i, a) => a.indexOf(v) === i), [
    `connecting: ${NOT_RUNNING}`, `error: ${NOT_RUNNING}`
  ])
  // Stopped means stopped: nothing more happens on its own.
  await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(counts, { sockets: 4, probes: 4 })

  const server = await startServer({ port, engine: heldEngine() })
  try {
    c.retry()
    const paired = await until(c, statuses, (s) => s.state === 'paired')
    assert.equal(paired.message, null)
    assert.deepEqual(counts, { sockets: 5, probes: 4 })
  } finally {
    c.close()
    await server.close()
  }
})

test('a wrong token: the refused sentence at once, and no tries that could not succeed', async () => {
  const server = await startServer({ engine: heldEngine() })
  const { counts, createSocket, fetch } = counted()
  const statuses: HelperStatus[] = []
  const c = new HelperClient({ url: server.wsUrl, token: 'wrong-token-wrong-token-wrong-token', createSocket, fetch, reconnectDelaysMs: [0, 0, 0], onStatus: (s) => statuses.push(s) })
  try {
    await assert.rejects(c.connect(), (e: Error) => e.message === TOKEN_REFUSED)
    assert.deepEqual([c.current.state, c.current.message], ['error', TOKEN_REFUSED])
    assert.deepEqual(counts, { sockets: 1, probes: 1 })
    assert.equal(TOKEN_REFUSED, 'The helper refused the pairing token. Copy it again from the helper\'s window.')
  } finally {
    c.close()
    await server.close()
  }
})

test('a busy helper: a waiting job says how many are ahead; over the queue, the job is refused with the count', async () => {
  const server = await startServer({ engine: heldEngine(), maxQueue: 1 })
  const { createSocket, fetch } = counted()
  const c = new HelperClient({ url: server.wsUrl, token: TOKEN, createSocket, fetch })
  try {
    await c.connect()
    const started = new Promise<void>((resolve) => {
      const job = c.submit(gradient(16, 16), [checker(16, 16)], tiny, { onStarted: () => resolve() })
      job.result.catch(() => undefined)
    })
    await started
    const queued = new Promise<number>((resolve) => {
      c.submit(gradient(16, 16), [checker(16, 16)], tiny, { onQueued: resolve }).result.catch(() => undefined)
    })
    assert.equal(await queued, 1)
    assert.deepEqual([c.current.state, c.current.message], ['busy', 'The helper is busy (1 job ahead).'])
    const over = c.submit(gradient(16, 16), [checker(16, 16)], tiny)
    await assert.rejects(over.result, (e: unknown) => e instanceof HelperJobError && e.code === 'queue-full' &&
      e.message === 'The helper is busy (2 jobs ahead). Try again when one has finished.')
  } finally {
    c.close()
    await server.close()
  }
})
