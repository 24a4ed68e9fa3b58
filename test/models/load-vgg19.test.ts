import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseModelManifest, VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { disposeWeights, loadVgg19Weights, WeightsError } from '../../models/vgg19/load-vgg19.js'
import { sha256HexSync } from '../../models/vgg19/sha256.js'
import { directoryReader, loadWeightsFromDir } from '../../helper/weights-dir.js'
import { tf, useWasm, WEIGHTS_DIR } from '../support/tf.js'

before(useWasm)

test('the manifest lists 16 layers, 32 tensors and 11 hashed shards', () => {
  assert.equal(VGG19_MANIFEST.layers.length, 16)
  assert.equal(VGG19_MANIFEST.weights.length, 32)
  assert.equal(VGG19_MANIFEST.shards.length, 11)
  assert.equal(VGG19_MANIFEST.shards.reduce((a, s) => a + s.bytes, 0), 40048768)
})

test('manifest errors carry the JSON path', () => {
  type Loose = { shards: Array<Record<string, unknown>>; layers: Array<Record<string, unknown>> }
  const bad = (patch: (m: Loose) => void): unknown => { const m = structuredClone(VGG19_MANIFEST) as unknown as Loose; patch(m); return m }
  assert.throws(() => parseModelManifest(bad((m) => { m.shards[2]!.sha256 = 'xyz' })), { message: 'manifest.shards[2].sha256: expected 64 hex digits' })
  assert.throws(() => parseModelManifest(bad((m) => { m.layers[0]!.kernelShape = [3, 0] })), { message: 'manifest.layers[0].kernelShape[1]: expected a positive integer' })
  assert.throws(() => parseModelManifest([]), { message: 'manifest: expected an object' })
})

test('the fallback SHA-256 equals node:crypto on edge lengths', () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100003]) {
    const b = randomBytes(n)
    assert.equal(sha256HexSync(b), createHash('sha256').update(b).digest('hex'), `length ${n}`)
  }
})

test('real weights load, verified, with the published conv1_1 biases', async () => {
  const before = tf.memory().numTensors
  const seen: number[] = []
  const w = await loadWeightsFromDir(WEIGHTS_DIR, { onProgress: (loaded) => seen.push(loaded) })
  assert.equal(Object.keys(w).length, 32)
  assert.deepEqual(w['conv5_1/kernel']!.shape, [3, 3, 512, 512])
  // MatConvNet's printout: 0.7301776, 0.06493629, 0.03428847, 0.8260386 (float16 here: 3 digits)
  const b = Array.from(w['conv1_1/bias']!.dataSync().slice(0, 4))
  ;[0.7301776, 0.06493629, 0.03428847, 0.8260386].forEach((v, i) => assert.ok(Math.abs(b[i]! - v) < 1e-3, `bias[${i}] = ${b[i]}`))
  assert.equal(seen.length, 11)
  assert.equal(seen[10], 40048768)
  disposeWeights(w)
  assert.equal(tf.memory().numTensors, before)
})

test('missing, truncated and corrupt weights end in one sentence naming the fix', async () => {
  await assert.rejects(loadWeightsFromDir('/nonexistent/vgg19'), (e: Error) =>
    e instanceof WeightsError && /VGG-19 weights are missing: group1-shard1of11.bin could not be read/.test(e.message) && e.message.includes('npm run models -- --from ../shared/models/vgg19'))
  const dir = mkdtempSync(join(tmpdir(), 'vgg-'))
  try {
    cpSync(WEIGHTS_DIR, dir, { recursive: true })
    const shard = join(dir, 'group1-shard3of11.bin')
    const bytes = readFileSync(shard)
    bytes[1000] = (bytes[1000]! + 1) % 256
    writeFileSync(shard, bytes)
    await assert.rejects(loadWeightsFromDir(dir), { message: /^VGG-19 weights are corrupt: group1-shard3of11.bin has sha256 [0-9a-f]{12}…, expected bfec6755801b…\. Run `npm run models`/ })
    writeFileSync(shard, bytes.subarray(0, 10))
    await assert.rejects(loadWeightsFromDir(dir), { message: /group1-shard3of11.bin has 10 bytes, expected 4000000/ })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an IOHandler source is checked by names and shapes', async () => {
  const read = directoryReader(WEIGHTS_DIR)
  const parts = await Promise.all(VGG19_MANIFEST.shards.map((s) => read(s.path)))
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  let off = 0
  for (const p of parts) { data.set(p, off); off += p.length }
  const handler = (specs: tf.io.WeightsManifestEntry[]): tf.io.IOHandler => ({ load: async () => ({ weightSpecs: specs, weightData: data.buffer }) })
  const w = await loadVgg19Weights(handler(VGG19_MANIFEST.weights))
  assert.equal(Object.keys(w).length, 32)
  disposeWeights(w)
  const wrong = VGG19_MANIFEST.weights.map((s) => (s.name === 'conv2_1/kernel' ? { ...s, shape: [3, 3, 128, 64] } : s))
  await assert.rejects(loadVgg19Weights(handler(wrong)), { message: /VGG-19 weight conv2_1\/kernel has shape \[3, 3, 128, 64\], expected \[3, 3, 64, 128\]/ })
})
