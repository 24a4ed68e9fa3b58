import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { encodePng } from '../../helper/image-io.js'
import { crc32 } from '../../helper/image-header.js'
import { doubleIhdr } from '../support/hostile-images.js'
import { startServer, TestClient, tiny } from './support.js'
import { checker, gradient, tf } from '../support/tf.js'

let server: HelperServer
let client: TestClient
let baseline = 0
let jobs = 0
const MAX_PAYLOAD = 512 * 1024

before(async () => {
  server = await startServer({ maxPayload: MAX_PAYLOAD, memoryBudgetMb: 2048 })
  client = new TestClient(server.wsUrl)
  await client.hello()
  await goodJob(client) // warm the backend up before the baseline
  baseline = tf.memory().numTensors
})
after(async () => {
  await client.close()
  await server.close()
})

/** A real 32x32 job: the server still serves after whatever came before. */
async function goodJob(c: TestClient): Promise<void> {
  const id = `good${++jobs}`
  c.uploadPng(`${id}c`, gradient(32, 32))
  c.uploadPng(`${id}s`, checker(32, 32))
  c.send({ type: 'submit', id, content: `${id}c`, styles: [`${id}s`], options: tiny })
  const { msg } = await c.waitFor('result', (m) => m.id === id)
  assert.deepEqual([msg.width, msg.height], [32, 32])
}

/** Sends something bad, expects exactly one new error with this code, then a good job works. */
async function expectError(code: string, send: () => void, message?: RegExp): Promise<void> {
  const before = client.errors().length
  send()
  const err = await client.waitFor('error', (m) => client.errors().indexOf(m) >= before)
  assert.equal(err.msg.code, code, err.msg.message)
  if (message !== undefined) assert.match(err.msg.message, message)
  // A sentence, not a stack: starts with a word, one line.
  assert.ok(!err.msg.message.includes('\n    at '), err.msg.message)
  await goodJob(client)
  assert.equal(tf.memory().numTensors, baseline, `tensors leaked after ${code}`)
}

test('malformed JSON', () => expectError('bad-json', () => client.ws.send('{"type": "hello",'), /not valid JSON/))

test('a bad binary frame (header length past the end, then a non-JSON header)', async () => {
  await expectError('bad-frame', () => client.ws.send(new Uint8Array([255, 255, 0, 0, 1, 2, 3]), { binary: true }), /header length/)
  await expectError('bad-frame', () => client.ws.send(new Uint8Array([2, 0, 0, 0, 0xff, 0xfe, 9]), { binary: true }), /not valid UTF-8 JSON/)
  await expectError('bad-frame', () => client.sendFrame({ type: 'image', ref: 'r', format: 'rgba', width: 4, height: 4 }, new Uint8Array(10)), /needs 64 bytes/)
  await expectError('bad-frame', () => client.sendFrame({ type: 'cancel', id: 'x' }, new Uint8Array(0)), /Binary frames carry images only/)
})

test('an unknown message type', () => expectError('unknown-type', () => client.send({ type: 'format-disk' }), /format-disk/))

test('a field of the wrong type is named by its path', () =>
  expectError('bad-message', () => client.send({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { size: 'x' } }), /^submit\.options\.size: expected integer in 16\.\.16384, got string "x"/))

test('an oversized text message gets an error; an oversized binary one closes with 1009 and the server keeps serving', async () => {
  await expectError('too-large', () => client.ws.send(JSON.stringify({ type: 'hello', protocol: 1, client: 'x'.repeat(100_000) })), /over the limit/)
  const big = new TestClient(server.wsUrl)
  await big.hello()
  big.sendFrame({ type: 'image', ref: 'big', format: 'rgba', width: 400, height: 400 }, new Uint8Array(400 * 400 * 4))
  const closed = await big.closed
  assert.equal(closed.code, 1009)
  const next = new TestClient(server.wsUrl)
  await next.hello()
  await goodJob(next)
  await next.close()
})

test('a corrupt PNG', async () => {
  const png = encodePng(gradient(32, 32))
  const corrupt = png.slice(0, 40) // signature and IHDR intact, data cut off
  await expectError('bad-image', () => client.sendFrame({ type: 'image', ref: 'bad', format: 'png' }, corrupt), /is truncated/)
  await expectError('bad-image', () => client.sendFrame({ type: 'image', ref: 'bad', format: 'png' }, new Uint8Array(100).fill(7)), /not a PNG/)
})

test('the 93-byte double-IHDR PNG is refused, then the helper still serves', async () => {
  const file = doubleIhdr()
  assert.equal(file.length, 93)
  await expectError('bad-image', () => client.sendFrame({ type: 'image', ref: 'twice', format: 'png' }, file), /more than one IHDR/)
  // Before the fix every later job failed with "memory access out of bounds": ten in a row must work.
  for (let i = 1; i < 10; i++) await goodJob(client)
  assert.equal(tf.memory().numTensors, baseline)
})

test('absurd dimensions are refused before anything is decoded or allocated', async () => {
  const png = encodePng(gradient(32, 32))
  const huge = Uint8Array.from(png)
  new DataView(huge.buffer).setUint32(16, 100_000)
  new DataView(huge.buffer).setUint32(20, 100_000)
  new DataView(huge.buffer).setUint32(29, crc32(huge, 12, 29)) // a hostile file gets its CRC right
  await expectError('image-too-large', () => client.sendFrame({ type: 'image', ref: 'huge', format: 'png' }, huge), /100000x100000, larger than the limit of 256/)
  await expectError('image-too-large', () => client.sendFrame({ type: 'image', ref: 'huge', format: 'rgba', width: 1_000_000, height: 3 }, new Uint8Array(12)), /limit of 256/)
  await expectError('bad-message', () => client.sendFrame({ type: 'image', ref: 'zero', format: 'rgba', width: 0, height: 3 }, new Uint8Array(0)), /image\.width: expected integer in 1\.\./)
  client.uploadPng('c', gradient(32, 32))
  client.uploadPng('s', checker(32, 32))
  await expectError('image-too-large', () => client.send({ type: 'submit', id: 'big', content: 'c', styles: ['s'], options: { size: 10_000 } }), /limit of 256/)
})

test('engine options out of range, unknown images, unknown jobs', async () => {
  client.uploadPng('c', gradient(32, 32))
  client.uploadPng('s', checker(32, 32))
  await expectError('bad-options', () => client.send({ type: 'submit', id: 'o', content: 'c', styles: ['s'], options: { ...tiny, styleScale: 99 } }), /^submit\.options\.styleScale: expected number in 0\.1\.\.4, got number 99/)
  await expectError('unknown-image', () => client.send({ type: 'submit', id: 'u', content: 'nope', styles: ['s'] }), /Image nope was not uploaded/)
  await expectError('unknown-job', () => client.send({ type: 'cancel', id: 'never' }), /no job never/)
})

test('a job that cannot fit the memory budget is refused with a sentence before it starts', async () => {
  const s = await startServer({ memoryBudgetMb: 500, maxSide: 4096 })
  const c = new TestClient(s.wsUrl)
  try {
    await c.hello()
    c.sendFrame({ type: 'image', ref: 'c', format: 'rgba', width: 1024, height: 1024 }, new Uint8Array(1024 * 1024 * 4))
    c.uploadPng('s', checker(32, 32))
    c.send({ type: 'submit', id: 'huge', content: 'c', styles: ['s'], options: { size: 1024 } })
    const { msg } = await c.waitFor('error')
    assert.equal(msg.code, 'out-of-memory')
    assert.match(msg.message, /^This job needs about \d+(\.\d)? GB and the helper's memory budget is 500 MB; choose a smaller size\.$/)
    assert.equal(s.stats().running, null)
  } finally {
    await c.close()
    await s.close()
  }
})
