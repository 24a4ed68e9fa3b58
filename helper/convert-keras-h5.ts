import h5wasm from 'h5wasm/node'
import type { ModelManifest } from '../models/vgg19/manifest.js'
import { toFloat16Bits } from './float16.js'

/**
 * Converts the official Keras HDF5 file (vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5) into
 * the manifest's float16 shards. Keras stores each layer as a group named after the layer
 * (block1_conv1 …) whose `weight_names` attribute lists its datasets, kernel first, then bias
 * (Keras 1 names them block1_conv1_W_1:0 / _b_1:0, Keras 2 block1_conv1/kernel:0 / bias:0);
 * tf_dim_ordering kernels are already HWIO.
 * Returns the shard bytes keyed by shard path, in manifest order.
 */
export async function convertKerasH5(h5Path: string, manifest: ModelManifest): Promise<Map<string, Uint8Array>> {
  await h5wasm.ready
  const file = new h5wasm.File(h5Path, 'r')
  try {
    const halves: Uint16Array[] = []
    for (const layer of manifest.layers) {
      const group = file.get(layer.kerasName)
      if (group === null || !(group instanceof h5wasm.Group)) throw new Error(`the HDF5 file has no layer ${layer.kerasName}`)
      const namesAttr = group.attrs['weight_names']?.json_value
      const names = Array.isArray(namesAttr) ? namesAttr.map(String) : []
      if (names.length !== 2) throw new Error(`${layer.kerasName}: expected 2 weight names (kernel, bias), got ${JSON.stringify(namesAttr)}`)
      for (const [k, name] of names.entries()) {
        const want = k === 0 ? layer.kernelShape : layer.biasShape
        const ds = group.get(name)
        if (ds === null || !(ds instanceof h5wasm.Dataset)) throw new Error(`${layer.kerasName}: dataset ${name} is missing`)
        if ((ds.shape ?? []).join('x') !== want.join('x')) {
          throw new Error(`${layer.kerasName}/${name}: shape [${(ds.shape ?? []).join(', ')}], expected [${want.join(', ')}]`)
        }
        const value = ds.value
        const f32 = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>)
        halves.push(toFloat16Bits(f32))
      }
    }
    const total = halves.reduce((a, h) => a + h.byteLength, 0)
    const expected = manifest.shards.reduce((a, s) => a + s.bytes, 0)
    if (total !== expected) throw new Error(`converted weights are ${total} bytes, the manifest expects ${expected}`)
    const all = new Uint8Array(total)
    let off = 0
    for (const h of halves) { all.set(new Uint8Array(h.buffer, h.byteOffset, h.byteLength), off); off += h.byteLength }
    const shards = new Map<string, Uint8Array>()
    off = 0
    for (const s of manifest.shards) { shards.set(s.path, all.slice(off, off + s.bytes)); off += s.bytes }
    return shards
  } finally {
    file.close()
  }
}
