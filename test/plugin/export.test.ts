import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PNG } from 'pngjs'
import { exportScale, MAX_EXPORT_SCALE } from '../../plugin/export-scale.js'
import { start, twoLayerDocument } from './setup.js'

function decode(png: unknown): { width: number; height: number } {
  assert.ok(png instanceof Uint8Array)
  const image = PNG.sync.read(Buffer.from(png))
  return { width: image.width, height: image.height }
}

test('export: a large layer is exported with its long side exactly maxSide, not larger', async () => {
  const { fake } = start()
  const layer = fake.add('FRAME', { name: 'Wide', width: 1000, height: 500 })
  await fake.sendFromUi({ type: 'export', requestId: 'e1', nodeId: layer.id, maxSide: 512 })
  const message = fake.lastMessage()
  assert.equal(message['type'], 'image')
  assert.equal(message['requestId'], 'e1')
  assert.equal(message['nodeId'], layer.id)
  assert.equal(message['width'], 512)
  assert.equal(message['height'], 256)
  // The bytes are a real PNG of that size.
  assert.deepEqual(decode(message['png']), { width: 512, height: 256 })
  assert.deepEqual(fake.exports[0]?.settings, {
    format: 'PNG', useAbsoluteBounds: true, constraint: { type: 'SCALE', value: 0.512 }, colorProfile: 'SRGB'
  })
})

test('export: a tall layer is bounded by its height', async () => {
  const { fake } = start()
  const layer = fake.add('RECTANGLE', { width: 300, height: 900 })
  await fake.sendFromUi({ type: 'export', requestId: 'e2', nodeId: layer.id, maxSide: 600 })
  assert.deepEqual(decode(fake.lastMessage()['png']), { width: 200, height: 600 })
})

test('export: an awkward ratio never rounds above maxSide', async () => {
  const { fake } = start()
  const layer = fake.add('RECTANGLE', { width: 300, height: 200 })
  await fake.sendFromUi({ type: 'export', requestId: 'e3', nodeId: layer.id, maxSide: 512 })
  assert.equal(fake.lastMessage()['width'], 512)
  assert.equal(fake.lastMessage()['height'], 341)
  // 11 * (25 / 11) is a hair above 25 in floating point.
  for (const [w, h, max] of [[300, 200, 512], [333, 777, 1000], [7, 3, 16], [11, 3, 25], [4097, 1, 4096]] as const) {
    const s = exportScale(w, h, max)
    assert.ok(Math.max(w, h) * s <= max, `${w}×${h} at ${max}`)
    assert.ok(Math.max(w, h) * s > max - 1e-6 || s === MAX_EXPORT_SCALE, `${w}×${h} at ${max} uses the size`)
  }
})

test('export: a small layer is upscaled at most 4x (Figma re-renders vectors sharply)', async () => {
  const { fake } = start()
  const icon = fake.add('VECTOR', { width: 50, height: 20 })
  await fake.sendFromUi({ type: 'export', requestId: 'e4', nodeId: icon.id, maxSide: 512 })
  assert.deepEqual(decode(fake.lastMessage()['png']), { width: 200, height: 80 })
  assert.equal(fake.exports[0]?.settings.constraint?.value, 4)
})

test('export: a rotated layer exports its bounding box, still within maxSide', async () => {
  const { fake } = start()
  const layer = fake.add('RECTANGLE', { width: 100, height: 100, rotation: 45 })
  await fake.sendFromUi({ type: 'export', requestId: 'e5', nodeId: layer.id, maxSide: 256 })
  assert.deepEqual(decode(fake.lastMessage()['png']), { width: 256, height: 256 })
})

test('export: a deleted layer is answered with an error naming it', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  await fake.select(content, style)
  content.remove()
  await fake.sendFromUi({ type: 'export', requestId: 'e6', nodeId: content.id, maxSide: 512 })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: 'e6', message: '“Photo” no longer exists. Select the layers again.'
  })
})

test('export: an unknown id and a zero-size layer are answered with errors', async () => {
  const { fake } = start()
  const line = fake.add('LINE', { name: 'Rule', width: 10, height: 0 })
  await fake.sendFromUi({ type: 'export', requestId: 'e7', nodeId: '9:999', maxSide: 512 })
  assert.deepEqual(fake.lastMessage(), { type: 'error', requestId: 'e7', message: 'The layer no longer exists. Select the layers again.' })
  await fake.sendFromUi({ type: 'export', requestId: 'e8', nodeId: line.id, maxSide: 512 })
  assert.equal(fake.lastMessage()['requestId'], 'e8')
  assert.match(String(fake.lastMessage()['message']), /^“Rule” has no area \(10 × 0\)/)
  assert.equal(fake.exports.length, 0)
})

test('export: a failing exportAsync becomes an error with the request id', async () => {
  const { fake } = start()
  const layer = fake.add('RECTANGLE', { width: 10, height: 10 })
  fake.failOn('exportAsync')
  await fake.sendFromUi({ type: 'export', requestId: 'e9', nodeId: layer.id, maxSide: 64 })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: 'e9', message: 'Could not export the layer: Injected failure in exportAsync'
  })
})
