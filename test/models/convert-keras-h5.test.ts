import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import * as tf from '@tensorflow/tfjs-core'
import { convertKerasH5 } from '../../helper/convert-keras-h5.js'
import { toFloat16Bits } from '../../helper/float16.js'
import type { ModelManifest } from '../../models/vgg19/manifest.js'
import { useWasm } from '../support/tf.js'

before(useWasm)

test('float16 encoding by hand: normal, rounding, subnormal, overflow, underflow', () => {
  const bits = Array.from(toFloat16Bits(new Float32Array([1, -2, 65504, 0.1, 6e-5, 70000, 1e-8, 0, -0])))
  // 0.1 -> 0x2e66 (round to nearest); 6e-5 is subnormal: 6e-5 / 2^-24 = 1006.6 -> 1007 = 0x03ef
  // (numpy's float16 cast gives the same bits)
  assert.deepEqual(bits, [0x3c00, 0xc000, 0x7bff, 0x2e66, 0x03ef, 0x7c00, 0, 0, 0x8000])
})

/** A two-layer manifest in the real one's layout, small enough to write by hand. */
const tiny: ModelManifest = {
  name: 'tiny', version: '0',
  layers: [
    { name: 'conv1_1', kerasName: 'block1_conv1', kernelShape: [3, 3, 3, 2], biasShape: [2], poolAfter: false },
    { name: 'conv1_2', kerasName: 'block1_conv2', kernelShape: [3, 3, 2, 2], biasShape: [2], poolAfter: true }
  ],
  weights: [
    { name: 'conv1_1/kernel', shape: [3, 3, 3, 2], dtype: 'float32', quantization: { dtype: 'float16'} as tf.io.WeightsManifestEntry['quantization'] },
    { name: 'conv1_1/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16'} as tf.io.WeightsManifestEntry['quantization'] },
    { name: 'conv1_2/kernel', shape: [3, 3, 2, 2], dtype: 'float32', quantization: { dtype: 'float16'} as tf.io.WeightsManifestEntry['quantization'] },
    { name: 'conv1_2/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16'} as tf.io.WeightsManifestEntry['quantization'] }
  ],
  // (54 + 2 + 36 + 2) values x 2 bytes = 188 bytes, split 100 + 88 like the real 4 MB shards
  shards: [{ path: 'a.bin', bytes: 100, sha256: '0'.repeat(64) }, { path: 'b.bin', bytes: 88, sha256: '0'.repeat(64) }]
}

const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.3)

async function writeKerasFile(path: string, keras2: boolean): Promise<Float32Array[]> {
  await h5wasm.ready
  const f = new h5wasm.File(path, 'w')
  const written: Float32Array[] = []
  tiny.layers.forEach((l, li) => {
    const g = f.create_group(l.kerasName)
    // Keras 2 nests the datasets one group deeper (block1_conv1/block1_conv1/kernel:0).
    const names = keras2 ? [`${l.kerasName}/kernel:0`, `${l.kerasName}/bias:0`] : [`${l.kerasName}_W_1:0`, `${l.kerasName}_b_1:0`]
    g.create_attribute('weight_names', names)
    const holder = keras2 ? g.create_group(l.kerasName) : g
    const leaf = (n: string): string => (keras2 ? n.split('/')[1]! : n)
    const k = values(l.kernelShape.reduce((a, b) => a * b, 1), li)
    const b = values(l.biasShape[0]!, li + 10)
    holder.create_dataset({ name: leaf(names[0]!), data: k, shape: l.kernelShape, dtype: '<f' })
    holder.create_dataset({ name: leaf(names[1]!), data: b, shape: l.biasShape, dtype: '<f' })
    written.push(k, b)
  })
  f.close()
  return written
}

for (const keras2 of [false, true]) {
  test(`a Keras ${keras2 ? '2' : '1'} HDF5 file converts to float16 shards that tfjs decodes`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-'))
    try {
      const written = await writeKerasFile(join(dir, 'w.h5'), keras2)
      const shards = await convertKerasH5(join(dir, 'w.h5'), tiny)
      assert.deepEqual([...shards.keys()], ['a.bin', 'b.bin'])
      assert.deepEqual([...shards.values()].map((s) => s.length), [100, 88])
      const all = new Uint8Array(188)
      all.set(shards.get('a.bin')!, 0)
      all.set(shards.get('b.bin')!, 100)
      const decoded = tf.io.decodeWeights(all.buffer, tiny.weights)
      tiny.weights.forEach((spec, i) => {
        const got = decoded[spec.name]!.dataSync()
        const want = written[i]!
        assert.deepEqual(decoded[spec.name]!.shape, spec.shape)
        // float16 keeps 11 significant bits: relative error at most 2^-11
        want.forEach((v, j) => assert.ok(Math.abs(got[j]! - v) <= Math.abs(v) * 2 ** -11 + 1e-7, `${spec.name}[${j}]`))
      })
      tf.dispose(Object.values(decoded))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

test('a file without the expected layers is refused with the layer name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h5-'))
  try {
    await h5wasm.ready
    const f = new h5wasm.File(join(dir, 'bad.h5'), 'w')
    f.create_group('block1_conv1')
    f.close()
    await assert.rejects(convertKerasH5(join(dir, 'bad.h5'), tiny), { message: /block1_conv1: expected 2 weight names/ })
    const g = new h5wasm.File(join(dir, 'empty.h5'), 'w')
    g.close()
    await assert.rejects(convertKerasH5(join(dir, 'empty.h5'), tiny), { message: 'the HDF5 file has no layer block1_conv1' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
