import type * as tf from '@tensorflow/tfjs-core'
import manifestJson from './vgg19.manifest.json' with { type: 'json' }

export interface ShardInfo { path: string; bytes: number; sha256: string }
export interface LayerInfo { name: string; kerasName: string; kernelShape: number[]; biasShape: number[]; poolAfter: boolean }
export interface ModelManifest {
  name: string
  version: string
  layers: LayerInfo[]
  weights: tf.io.WeightsManifestEntry[]
  shards: ShardInfo[]
}

/** Checks the shape of a manifest; errors carry the JSON path of the bad field. */
export function parseModelManifest(json: unknown): ModelManifest {
  const fail = (path: string, want: string): never => { throw new TypeError(`manifest${path}: expected ${want}`) }
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'an object')
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'an array'))
  const str = (v: unknown, path: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(path, 'a string'))
  const shape = (v: unknown, path: string): number[] =>
    arr(v, path).map((d, i) => (Number.isInteger(d) && (d as number) > 0 ? (d as number) : fail(`${path}[${i}]`, 'a positive integer')))
  const root = obj(json, '')
  const layers = arr(root.layers, '.layers').map((l, i) => {
    const o = obj(l, `.layers[${i}]`)
    return {
      name: str(o.name, `.layers[${i}].name`), kerasName: str(o.kerasName, `.layers[${i}].kerasName`),
      kernelShape: shape(o.kernelShape, `.layers[${i}].kernelShape`), biasShape: shape(o.biasShape, `.layers[${i}].biasShape`),
      poolAfter: o.poolAfter === true
    }
  })
  const weights = arr(root.weights, '.weights').map((w, i) => {
    const o = obj(w, `.weights[${i}]`)
    if (o.dtype !== 'float32') fail(`.weights[${i}].dtype`, '"float32"')
    return { ...o, name: str(o.name, `.weights[${i}].name`), shape: shape(o.shape, `.weights[${i}].shape`), dtype: 'float32' } as tf.io.WeightsManifestEntry
  })
  const shards = arr(root.shards, '.shards').map((s, i) => {
    const o = obj(s, `.shards[${i}]`)
    const sha = str(o.sha256, `.shards[${i}].sha256`)
    if (!/^[0-9a-f]{64}$/.test(sha)) fail(`.shards[${i}].sha256`, '64 hex digits')
    const bytes = Number.isInteger(o.bytes) && (o.bytes as number) > 0 ? (o.bytes as number) : fail(`.shards[${i}].bytes`, 'a positive integer')
    return { path: str(o.path, `.shards[${i}].path`), bytes, sha256: sha }
  })
  return { name: str(root.name, '.name'), version: str(root.version, '.version'), layers, weights, shards }
}

export const VGG19_MANIFEST: ModelManifest = parseModelManifest(manifestJson)
