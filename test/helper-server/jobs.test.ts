import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { decodeImage } from '../../helper/image-io.js'
import { startServer, TestClient, tiny } from './support.js'
import { checker, gradient, tf } from '../support/tf.js'
import { TERMS } from '../../models/style-transfer/terms/index.js'

let server: HelperServer
let baseline = 0

before(async () => {
  server = await startServer()
  const warm = new TestClient(server.wsUrl)
  await warm.hello()
  await submit(warm, 'warm', tiny)
  await warm.waitFor('result')
  await warm.close()
  baseline = tf.memory().numTensors
})
after(() => server.close())

async function submit(c: TestClient, id: string, options: object, size = 32): Promise<void> {
  c.uploadPng(`${id}-c`, gradient(size, size))
  c.uploadPng(`${id}-s`, checker(size, size))
  c.send({ type: 'submit', id, content: `${id}-c`, styles: [`${id}-s`], options })
}

const waitUntil = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
const assertBaseline = (when: string): void => assert.equal(tf.memory().numTensors, baseline, `tensors leaked ${when}`)

test('a small job end to end: started, progress, previews, a result PNG of the right size', async () => {
  const c = new TestClient(server.wsUrl)
  await c.hello()
  c.uploadPng('content', gradient(48, 32))
  c.uploadPng('style', checker(32, 32))
  c.send({ type: 'submit', id: 'e2e', content: 'content', styles: ['style'], options: { ...tiny, size: 48, minSize: 48 } })
  const { msg, payload } = await c.waitFor('result', (m) => m.id === 'e2e')
  assert.deepEqual([msg.width, msg.height, msg.iterations, msg.stopped], [48, 32, 2, false])
  const png = decodeImage(payload as Uint8Array)
  assert.deepEqual([png.width, png.height], [48, 32])
  const types = c.received.map((r) => r.msg.type)
  assert.deepEqual(types, ['capabilities', 'started', 'progress', 'preview', 'progress', 'preview', 'result'])
  const preview = c.received.find((r) => r.msg.type === 'preview')
  assert.equal(preview?.payload?.length, 48 * 32 * 4)
  const last = c.received.filter((r) => r.msg.type === 'progress').at(-1)?.msg
  assert.ok(last?.type === 'progress' && last.done === 2 && last.total === 2 && Number.isFinite(last.loss))
  // Every loss term travels with the progress, in the engine's order, and they add up to the loss.
  assert.deepEqual(last.parts.map((p) => p.term), TERMS.map((t) => t.name))
  assert.equal(last.parts.reduce((sum, p) => sum + p.value, 0), last.loss)
  assert.ok(last.parts.find((p) => p.term === 'style')!.value > 0)
  assert.deepEqual(c.invalid, [])
  await c.close()
  assertBaseline('after a job')
})

test('cancel mid-job stops it within an iteration and answers canceled, no result', async () => {
  const c = new TestClient(server.wsUrl)
  await c.hello()
  await submit(c, 'long', { ...tiny, stepsFirst: 500 })
  await c.waitFor('progress', (m) => m.id === 'long')
  c.send({ type: 'cancel', id: 'long' })
  await c.waitFor('canceled', (m) => m.id === 'long', 10_000)
  await waitUntil(() => server.stats().running === null)
  assert.equal(c.received.some((r) => r.msg.type === 'result'), false)
  assert.ok(c.received.filter((r) => r.msg.type === 'progress').length < 20)
  assertBaseline('after a cancel')
  // The same id may be used again once it is gone.
  await submit(c, 'long', tiny)
  await c.waitFor('result', (m) => m.id === 'long')
  await c.close()
})

test('a client that disconnects mid-job cancels it; the next job runs and tensors are back to baseline', async () => {
  const a = new TestClient(server.wsUrl)
  await a.hello()
  await submit(a, 'a1', { ...tiny, stepsFirst: 500 })
  await submit(a, 'a2', { ...tiny, stepsFirst: 500 })
  await a.waitFor('progress', (m) => m.id === 'a1')
  assert.equal(server.stats().waiting, 1)
  a.ws.terminate()
  const b = new TestClient(server.wsUrl)
  await b.hello()
  await submit(b, 'b1', tiny)
  await b.waitFor('result', (m) => m.id === 'b1', 20_000)
  // a2 was dropped with its client: b1 ran right after a1 stopped.
  assert.equal(server.stats().waiting, 0)
  await waitUntil(() => server.stats().running === null)
  assertBaseline('after a disconnect')
  await b.close()
})

test('two clients are queued in order and told their positions; a queued job can be canceled', async () => {
  const a = new TestClient(server.wsUrl)
  const b = new TestClient(server.wsUrl)
  const c = new TestClient(server.wsUrl)
  await Promise.all([a.hello(), b.hello(), c.hello()])
  await submit(a, 'first', { ...tiny, stepsFirst: 500 })
  await a.waitFor('started')
  await submit(b, 'second', tiny)
  assert.equal((await b.waitFor('queued')).msg.position, 1)
  await submit(c, 'third', tiny)
  assert.equal((await c.waitFor('queued')).msg.position, 2)
  await submit(c, 'fourth', tiny)
  assert.equal((await c.waitFor('queued', (m) => m.id === 'fourth')).msg.position, 3)
  c.send({ type: 'cancel', id: 'third' })
  await c.waitFor('canceled', (m) => m.id === 'third')
  assert.equal((await c.waitFor('queued', (m) => m.id === 'fourth' && m.position === 2)).msg.position, 2)
  a.send({ type: 'cancel', id: 'first' })
  await a.waitFor('canceled')
  // second moves up and runs; fourth is told it is next.
  await c.waitFor('queued', (m) => m.id === 'fourth' && m.position === 1)
  const second = await b.waitFor('result', (m) => m.id === 'second')
  const fourth = await c.waitFor('result', (m) => m.id === 'fourth')
  assert.ok(b.received.indexOf(second) >= 0 && fourth.msg.width === 32)
  const startedAt = (cl: TestClient, id: string): number => cl.received.findIndex((r) => r.msg.type === 'started' && r.msg.id === id)
  assert.ok(startedAt(b, 'second') > 0 && startedAt(c, 'fourth') > 0 && startedAt(c, 'third') === -1)
  await Promise.all([a.close(), b.close(), c.close()])
  assertBaseline('after the queue')
})

test('a full queue refuses with a sentence', async () => {
  const s = await startServer({ maxQueue: 1 })
  const c = new TestClient(s.wsUrl)
  try {
    await c.hello()
    await submit(c, 'run', { ...tiny, stepsFirst: 500 })
    await submit(c, 'wait', tiny)
    await submit(c, 'over', tiny)
    const { msg } = await c.waitFor('error', (m) => m.id === 'over')
    assert.equal(msg.code, 'queue-full')
    assert.match(msg.message, /queue is full \(1 jobs waiting\)/)
    await submit(c, 'run', tiny)
    assert.equal((await c.waitFor('error', (m) => m.code === 'duplicate-job')).msg.id, 'run')
  } finally {
    await c.close()
    await s.close()
  }
  assertBaseline('after closing a busy server')
})
