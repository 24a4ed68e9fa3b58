import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeFrame, encodeFrame, FrameError, parseClientMessage, parseServerMessage, PROTOCOL_VERSION, UnknownTypeError, ValidationError
} from '../../helper/protocol.js'

test('validators name the bad field path, Playwright style', () => {
  const bad = (v: unknown, re: RegExp): void => assert.throws(() => parseClientMessage(v), (e: unknown) => e instanceof ValidationError && re.test((e as Error).message))
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { size: 'x' } }, /^submit\.options\.size: expected integer, got "x"$/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: [] }, /^submit\.styles: expected array of 1 to 8 items/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['ok', 5] }, /^submit\.styles\[1\]: expected id/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { stpes: 3 } }, /^submit\.options\.stpes: expected no such field/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { pooling: 'min' } }, /^submit\.options\.pooling: expected one of max\|average, got "min"$/)
  bad({ type: 'hello' }, /^hello\.protocol: expected integer, got undefined$/)
  bad({ type: 'cancel', id: '../etc/passwd' }, /^cancel\.id: expected id/)
  bad([1, 2], /^message: expected object, got array$/)
  bad({ kind: 'hello' }, /^message\.type: expected string/)
  assert.throws(() => parseClientMessage({ type: 'launch' }), UnknownTypeError)
  assert.deepEqual(parseClientMessage({ type: 'hello', protocol: PROTOCOL_VERSION }), { type: 'hello', protocol: PROTOCOL_VERSION })
})

test('server messages are validated too (the UI checks what it receives)', () => {
  assert.throws(() => parseServerMessage({ type: 'error', code: 'nope', message: 'x' }), { message: /^error\.code: expected one of/ })
  assert.throws(() => parseServerMessage({ type: 'queued', id: 'a', position: 0 }), { message: /^queued\.position: expected integer from 1/ })
  const ok = parseServerMessage({ type: 'canceled', id: 'a' })
  assert.equal(ok.type, 'canceled')
})

test('binary frames round-trip and refuse bad lengths', () => {
  const pixels = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])
  const frame = encodeFrame({ type: 'image', ref: 'a', format: 'rgba', width: 2, height: 1 }, pixels)
  assert.equal(new DataView(frame.buffer).getUint32(0, true), frame.length - 4 - pixels.length)
  const { header, payload } = decodeFrame(frame)
  assert.deepEqual(header, { type: 'image', ref: 'a', format: 'rgba', width: 2, height: 1 })
  assert.deepEqual([...payload], [...pixels])
  assert.throws(() => decodeFrame(new Uint8Array([1, 0])), FrameError)
  assert.throws(() => decodeFrame(new Uint8Array([200, 0, 0, 0, 123])), /runs past/)
  assert.throws(() => decodeFrame(new Uint8Array([0, 0, 0, 1, 1])), /outside 1\.\./)
  const notJson = new Uint8Array([3, 0, 0, 0, 0x7b, 0x7b, 0x7b])
  assert.throws(() => decodeFrame(notJson), /not valid UTF-8 JSON/)
})
