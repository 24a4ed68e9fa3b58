import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chooseNodeBackend, createNodeEngine, type NodeEngine } from '../../helper/backend.js'
import { loadImage } from './images.js'
import { realWeights, tf } from '../support/tf.js'
import { vggStyleDistance } from '../support/style-stats.js'

let onnx: NodeEngine
let wasm: NodeEngine
before(async () => {
  const onnxChoice = await chooseNodeBackend('onnx')
  onnx = await createNodeEngine(onnxChoice, await realWeights())
  wasm = await createNodeEngine({ ...onnxChoice, backend: 'wasm', reasons: [] }, await realWeights())
})
after(async () => { await onnx.dispose(); await wasm.dispose() })

test('a full stylisation on the onnx path matches the tfjs path on the same pair and settings', async () => {
  assert.match(onnx.description, /^onnx /)
  assert.equal(wasm.description, 'tfjs wasm')
  const content = loadImage('content/chelsea.png')
  const style = loadImage('style/starry_night.jpg')
  const o = { size: 48, minSize: 34, stepsFirst: 20, steps: 10, previewEvery: 0 }
  const before = tf.memory().numTensors
  const a = await onnx.engine.stylizeAsync(content, [style], o)
  const b = await wasm.engine.stylizeAsync(content, [style], o)
  assert.equal(tf.memory().numTensors, before)
  let diff = 0
  for (let i = 0; i < a.image.data.length; i++) diff += Math.abs(a.image.data[i]! - b.image.data[i]!)
  const meanAbs = diff / a.image.data.length
  const da = await vggStyleDistance(a.image, style)
  const db = await vggStyleDistance(b.image, style)
  console.log(`mean absolute pixel difference ${meanAbs.toFixed(2)} levels; style distance onnx ${da.toFixed(3)}, tfjs ${db.toFixed(3)}`)
  // Gradients agree to ~1e-5 (onnx-objective.test.ts); 30 Adam steps amplify that only a little.
  assert.ok(meanAbs < 2, `pixels differ by ${meanAbs} levels on average`)
  assert.ok(Math.abs(da - db) < 0.1 * db, `style distances ${da} vs ${db}`)
})
