import * as tf from '@tensorflow/tfjs-core'
import type { VggWeights } from './types.js'
import { VGG19_MANIFEST, type ModelManifest } from './manifest.js'
import { sha256Hex } from './sha256.js'

/** The one sentence every missing-or-corrupt-weights error ends with (Node side). */
export const FETCH_HINT = 'Run `npm run models` (offline: `npm run models -- --from ../shared/models/vgg19`).'

export class WeightsError extends Error {
  override name = 'WeightsError'
}

/** Reads one shard by file name; the Node adapter reads a directory, the browser one fetches a URL. */
export type ShardReader = (path: string) => Promise<Uint8Array>

export interface LoadOptions {
  manifest?: ModelManifest
  /** Extra accepted sha256 per shard path (weights converted locally from the Keras file). */
  trustedHashes?: Readonly<Record<string, string>>
  /** Called after each shard with bytes loaded so far and the total. */
  onProgress?: (loaded: number, total: number) => void
  /** Sentence appended to errors, telling the user what to do. */
  hint?: string
}

/** A reader that fetches shards relative to a base URL (browser, or Node with fetch). */
export function urlReader(baseUrl: string): ShardReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`
  return async (path) => {
    // fetch is typed here by hand: models/ compiles without DOM or Node types.
    const fetchFn = (globalThis as unknown as { fetch: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch
    const res = await fetchFn(base + path)
    if (!res.ok) throw new WeightsError(`could not fetch ${base + path}: HTTP ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  }
}

/**
 * Loads and verifies the VGG-19 weights. `source` is a base URL, a shard reader (directory in
 * Node), or a tfjs IOHandler. Shards read by this loader are refused unless their sha256 matches
 * the manifest (or `trustedHashes`); an IOHandler gives no shards, so only names and shapes are
 * checked there.
 */
export async function loadVgg19Weights(source: string | ShardReader | tf.io.IOHandler, options: LoadOptions = {}): Promise<VggWeights> {
  const manifest = options.manifest ?? VGG19_MANIFEST
  const hint = options.hint ?? FETCH_HINT
  let data: ArrayBuffer
  let specs: tf.io.WeightsManifestEntry[] = manifest.weights
  if (typeof source === 'object' && source !== null) {
    const load = source.load
    if (load === undefined) throw new WeightsError(`the weights handler cannot load. ${hint}`)
    const artifacts = await load.call(source)
    if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
      throw new WeightsError(`the weights handler returned no weights. ${hint}`)
    }
    specs = artifacts.weightSpecs as tf.io.WeightsManifestEntry[]
    const wd = artifacts.weightData
    data = Array.isArray(wd) ? concat(wd.map((b) => new Uint8Array(b))).buffer as ArrayBuffer : wd as ArrayBuffer
  } else {
    const read: ShardReader = typeof source === 'string' ? urlReader(source) : source
    const total = manifest.shards.reduce((a, s) => a + s.bytes, 0)
    const parts: Uint8Array[] = []
    let loaded = 0
    for (const shard of manifest.shards) {
      let bytes: Uint8Array
      try {
        bytes = await read(shard.path)
      } catch (e) {
        throw new WeightsError(`VGG-19 weights are missing: ${shard.path} could not be read (${(e as Error).message}). ${hint}`)
      }
      if (bytes.length !== shard.bytes) {
        throw new WeightsError(`VGG-19 weights are corrupt: ${shard.path} has ${bytes.length} bytes, expected ${shard.bytes}. ${hint}`)
      }
      const hash = await sha256Hex(bytes)
      if (hash !== shard.sha256 && hash !== options.trustedHashes?.[shard.path]) {
        throw new WeightsError(`VGG-19 weights are corrupt: ${shard.path} has sha256 ${hash.slice(0, 12)}…, expected ${shard.sha256.slice(0, 12)}…. ${hint}`)
      }
      parts.push(bytes)
      loaded += bytes.length
      options.onProgress?.(loaded, total)
    }
    data = concat(parts).buffer as ArrayBuffer
  }
  checkSpecs(specs, manifest, hint)
  let decoded: tf.NamedTensorMap
  try {
    decoded = tf.io.decodeWeights(data, specs)
  } catch (e) {
    throw new WeightsError(`VGG-19 weights could not be decoded (${(e as Error).message}). ${hint}`)
  }
  return decoded
}

function checkSpecs(specs: readonly tf.io.WeightsManifestEntry[], manifest: ModelManifest, hint: string): void {
  for (const layer of manifest.layers) {
    for (const [suffix, shape] of [['kernel', layer.kernelShape], ['bias', layer.biasShape]] as const) {
      const name = `${layer.name}/${suffix}`
      const spec = specs.find((s) => s.name === name)
      if (spec === undefined) throw new WeightsError(`VGG-19 weights lack ${name}. ${hint}`)
      if (spec.shape.join('x') !== shape.join('x')) {
        throw new WeightsError(`VGG-19 weight ${name} has shape [${spec.shape.join(', ')}], expected [${shape.join(', ')}]. ${hint}`)
      }
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/** Frees every tensor of a weights map. */
export function disposeWeights(weights: VggWeights): void {
  for (const t of Object.values(weights)) t.dispose()
}
