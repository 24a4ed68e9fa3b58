import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chooseNodeBackend, createNodeEngine, type NodeEngine } from '../../helper/backend.js'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { estimateJobMemory, tileConfigFor, TILE_MARGIN } from '../../helper/server/memory-estimate.js'
import { decodeImage } from '../../helper/image-io.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { startServer, TestClient } from './support.js'
import { checker, gradient, realWeights, tf } from '../support/tf.js'

const GB = 2 ** 30

test('the memory estimate tiles what one pass cannot hold, and still refuses what cannot fit', () => {
  const o = resolveOptions({ size: 4096 })
  const big = { width: 4096, height: 4096 }
  const style = [{ width: 1024, height: 768 }]
  const onePass = estimateJobMemory(big, style, o, null)
  assert.equal(onePass.tiled, false)
  // A 4096 px gradient step through VGG-19 is tens of GB: one pass would never fit 16 GB.
  assert.ok(onePass.bytes > 64 * GB, `one pass ${onePass.bytes / GB} GB`)
  const tile = tileConfigFor(16 * GB, 4096)
  assert.ok(tile !== null && tile.margin === TILE_MARGIN && tile.size % 16 === 0 && tile.size >= 512, JSON.stringify(tile))
  const tiled = estimateJobMemory(big, style, o, tile)
  assert.equal(tiled.tiled, true)
  assert.ok(tiled.bytes < 16 * GB, `tiled ${tiled.bytes / GB} GB within the 16 GB budget it was sized for`)
  // A small budget still gets a (small) tile, but the whole image's state alone is too much.
  const small = tileConfigFor(500 * 2 ** 20, 4096)
  assert.ok(small !== null)
  assert.ok(estimateJobMemory(big, style, o, small).bytes > 500 * 2 ** 20)
  // Jobs that fit one tile are estimated exactly as before.
  assert.deepEqual(estimateJobMemory({ width: 256, height: 256 }, style, resolveOptions({ size: 256 }), tile), estimateJobMemory({ width: 256, height: 256 }, style, resolveOptions({ size: 256 }), null))
  // A budget so big that tiling never starts below the largest side: no tiles at all.
  assert.equal(tileConfigFor(4096 * GB, 4096), null)
})

let engine: NodeEngine
let server: HelperServer
let baseline = 0
before(async () => {
  engine = await createNodeEngine(await chooseNodeBackend('wasm'), await realWeights(), { tile: { size: 128, margin: TILE_MARGIN } })
  server = await startServer({ engine: { engine, backend: 'wasm' } })
  baseline = tf.memory().numTensors
})
after(async () => {
  await server.close()
  await engine.dispose()
})

test('a job larger than one tile runs tiled on the helper and returns the full-size result', async () => {
  const c = new TestClient(server.wsUrl)
  await c.hello()
  c.uploadPng('content', gradient(192, 64))
  c.uploadPng('style', checker(64, 64))
  // 192 px wide with tiles of 128: three cores of 64 px at the last scale.
  c.send({ type: 'submit', id: 'tiled', content: 'content', styles: ['style'], options: { size: 192, minSize: 192, stepsFirst: 2, previewEvery: 1 } })
  const { msg, payload } = await c.waitFor('result', (m) => m.id === 'tiled')
  assert.deepEqual([msg.width, msg.height, msg.iterations, msg.stopped], [192, 64, 2, false])
  const png = decodeImage(payload as Uint8Array)
  assert.deepEqual([png.width, png.height], [192, 64])
  const progress = c.received.filter((r) => r.msg.type === 'progress').map((r) => r.msg)
  assert.ok(progress.every((p) => p.type === 'progress' && Number.isFinite(p.loss) && p.loss > 0))
  await c.close()
  assert.equal(tf.memory().numTensors, baseline, 'tensors back to baseline after a tiled job')
})
