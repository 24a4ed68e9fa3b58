import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeFrame, encodeFrame, FrameError, parseClientMessage, parseServerMessage, PROTOCOL_VERSION, UnknownTypeError, ValidationError
} from '../../helper/protocol.js'
import { DEFAULT_OPTIONS } from '../../models/style-transfer/index.js'

test('validators name the bad field path, Playwright style', () => {
  const bad = (v: unknown, re: RegExp): void => assert.throws(() => parseClientMessage(v), (e: unknown) => e instanceof ValidationError && re.test((e as Error).message))
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { size: 'x' } }, /^submit\.options\.size: expected integer in 16\.\.16384, got string "x"$/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: [] }, /^submit\.styles: expected array of 1 to 8 items/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['ok', 5] }, /^submit\.styles\[1\]: expected id/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { stpes: 3 } }, /^submit\.options\.stpes: expected no such field/)
  bad({ type: 'submit', id: 'j', content: 'c', styles: ['s'], options: { pooling: 'min' } }, /^submit\.options\.pooling: expected one of "max", "average", got string "min"$/)
  bad({ type: 'hello' }, /^hello\.protocol: expected integer in 0\.\.1000, got undefined$/)
  bad({ type: 'cancel', id: '../etc/passwd' }, /^cancel\.id: expected id/)
  bad([1, 2], /^message: expected object, got array$/)
  bad({ kind: 'hello' }, /^message\.type: expected string/)
  assert.throws(() => parseClientMessage({ type: 'launch' }), UnknownTypeError)
  assert.deepEqual(parseClientMessage({ type: 'hello', protocol: PROTOCOL_VERSION }), { type: 'hello', protocol: PROTOCOL_VERSION })
})

test('a job may carry every engine option; the wire checks types, the engine the ranges', () => {
  // The job's options are derived from the engine's declaration: every field of DEFAULT_OPTIONS,
  // colour modes, several styles, L-BFGS and custom layers included, passes the protocol as it is.
  const options = { ...DEFAULT_OPTIONS, color: 'preserve', optimizer: 'lbfgs', styleBlend: [1, 0.5], styleLayers: ['conv1_1', 'conv2_1'], styleLayerWeights: [2, 1] }
  const submit = { type: 'submit', id: 'j', content: 'c', styles: ['s', 't'], options }
  assert.deepEqual(parseClientMessage(submit), submit)
  // Out of range but well typed: the message is well formed; resolveOptions refuses it later (bad-options).
  assert.equal(parseClientMessage({ ...submit, options: { styleScale: 99, size: 3 } }).type, 'submit')
  assert.throws(() => parseClientMessage({ ...submit, options: { color: 'sepia' } }), { message: /^submit\.options\.color: expected one of "off", "preserve", "match", got string "sepia"$/ })
  assert.throws(() => parseClientMessage({ ...submit, options: { styleBlend: [1, '2'] } }), { message: /^submit\.options\.styleBlend\[1\]: expected number in 0\.\.1000000000, got string "2"$/ })
})

test('server messages are validated too (the UI checks what it receives)', () => {
  assert.throws(() => parseServerMessage({ type: 'error', code: 'nope', message: 'x' }), { message: /^error\.code: expected one of/ })
  assert.throws(() => parseServerMessage({ type: 'queued', id: 'a', position: 0 }), { message: /^queued\.position: expected integer in 1\.\./ })
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
