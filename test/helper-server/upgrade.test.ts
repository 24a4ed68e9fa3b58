import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { CLOSE_NO_HELLO, PROTOCOL_VERSION, TOKEN_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../../helper/protocol.js'
import { fakeEngine, startServer, TestClient, TOKEN, upgradeStatus } from './support.js'
import { WebSocket } from 'ws'

let server: HelperServer
before(async () => { server = await startServer({ engine: fakeEngine(), maxSide: 4096 }) })
after(() => server.close())

test('hello is answered with the capabilities: backend, device and largest image', async () => {
  const c = new TestClient(server.wsUrl, { origin: 'null' })
  await c.opened()
  assert.equal(c.ws.protocol, SUBPROTOCOL)
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'test' })
  const { msg } = await c.waitFor('capabilities')
  assert.equal(msg.protocol, PROTOCOL_VERSION)
  assert.equal(msg.backend, 'wasm')
  assert.match(msg.device, /^\d+ x .+/)
  assert.equal(msg.maxSide, 4096)
  assert.ok(msg.maxPayload >= 4096 * 4096 * 4)
  assert.ok(msg.memoryBudgetMb > 0)
  assert.deepEqual(c.invalid, [])
  await c.close()
})

test('the token may come as a subprotocol, and the token entry is never echoed', async () => {
  const ws = new WebSocket(server.wsUrl, [SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${TOKEN}`], { origin: 'https://www.figma.com' })
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  assert.equal(ws.protocol, SUBPROTOCOL)
  ws.close()
})

test('every allowed origin connects: null, figma.com, photopea.com, the helper\'s own page', async () => {
  for (const origin of ['null', 'https://www.figma.com', 'https://figma.com', 'https://www.photopea.com', server.url, `http://localhost:${server.port}`]) {
    assert.equal(await upgradeStatus(server.wsUrl, { origin }), 101, origin)
  }
  assert.equal(await upgradeStatus(`ws://localhost:${server.port}/ws`, { origin: 'null' }), 101)
})

test('wrong token, wrong Host, wrong Origin and wrong path are refused at the upgrade', async () => {
  assert.equal(await upgradeStatus(server.wsUrl, { token: 'x'.repeat(36) }), 401)
  assert.equal(await upgradeStatus(server.wsUrl, { token: TOKEN.slice(0, -1) }), 401)
  assert.equal(await upgradeStatus(server.wsUrl, { token: null }), 401)
  assert.equal(await upgradeStatus(server.wsUrl, { token: '' }), 401)
  // DNS rebinding: the page's own name arrives in Host even though it resolved to 127.0.0.1.
  assert.equal(await upgradeStatus(server.wsUrl, { headers: { Host: `evil.example:${server.port}` } }), 403)
  assert.equal(await upgradeStatus(server.wsUrl, { headers: { Host: '127.0.0.1:1' } }), 403)
  for (const origin of ['https://evil.example', 'https://www.figma.com.evil.example', 'http://127.0.0.1:1', 'file://']) {
    assert.equal(await upgradeStatus(server.wsUrl, { origin }), 403, origin)
  }
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${server.port}/other`), 404)
  assert.equal(server.stats().clients, 0)
})

test('messages before hello, and a protocol mismatch, get errors and the socket stays', async () => {
  const c = new TestClient(server.wsUrl)
  await c.opened()
  c.send({ type: 'cancel', id: 'j' })
  assert.equal((await c.waitFor('error')).msg.code, 'not-ready')
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION + 1 })
  assert.equal((await c.waitFor('error', (m) => m.code === 'protocol-version')).msg.code, 'protocol-version')
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION })
  await c.waitFor('capabilities')
  await c.close()
})

test('a client that stops answering pings is dropped by the heartbeat', async () => {
  const s = await startServer({ engine: fakeEngine(), heartbeatMs: 100 })
  try {
    const c = new TestClient(s.wsUrl)
    await c.opened()
    // Silence the client's automatic pong by pausing its socket reads.
    c.ws.pause()
    const t0 = Date.now()
    while (s.stats().clients > 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50))
    assert.equal(s.stats().clients, 0)
    c.ws.terminate()
  } finally {
    await s.close()
  }
})

test('a socket that sends no valid hello in time is closed with CLOSE_NO_HELLO and a sentence; one that says hello stays', { timeout: 30_000 }, async () => {
  const s = await startServer({ engine: fakeEngine(), helloTimeoutMs: 300 })
  try {
    const silent = new TestClient(s.wsUrl)
    const chatty = new TestClient(s.wsUrl)
    const paired = new TestClient(s.wsUrl)
    await Promise.all([silent.opened(), chatty.opened(), paired.hello()])
    // Messages that are not a valid hello do not count: a wrong protocol version, a cancel.
    chatty.send({ type: 'hello', protocol: PROTOCOL_VERSION + 1 })
    chatty.send({ type: 'cancel', id: 'j' })
    for (const c of [silent, chatty]) assert.deepEqual(await c.closed, { code: CLOSE_NO_HELLO, reason: 'No valid hello within 0.3 s; send hello first.' })
    assert.deepEqual(chatty.errors().map((e) => e.code), ['protocol-version', 'not-ready'])
    // The server drops the socket from its clients once its side of the close is done too.
    while (s.stats().clients > 1) await new Promise((r) => setTimeout(r, 20))
    // The paired socket outlived the deadline and still talks.
    paired.send({ type: 'cancel', id: 'none' })
    assert.equal((await paired.waitFor('error')).msg.code, 'unknown-job')
    await paired.close()
  } finally {
    await s.close()
  }
})
