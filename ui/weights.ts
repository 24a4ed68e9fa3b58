// VGG-19 weights for the panel: downloaded once per plugin open from a static host (the helper, or
// any server with CORS *), verified shard by shard against models/vgg19.manifest.json, kept in
// memory as verified bytes. Tensors are made from those bytes on whichever backend is current,
// so a fallback to another backend needs no second download.
import { type ShardReader, WeightsError, loadVgg19Weights, urlReader } from '../models/vgg19/load-vgg19.js'
import type { Settings } from '../plugin/messages.js'
import type { VggWeights } from '../models/style-transfer/index.js'

/**
 * The local helper serves the weights (helper/server). "localhost", not 127.0.0.1: the manifest's
 * networkAccess lists http://localhost:8787 and Figma matches that list by host name.
 */
export const DEFAULT_WEIGHTS_URL = 'http://localhost:8787/weights/'

export { WeightsError }

export function weightsUrlOf(settings: Settings): string {
  return settings.weightsUrl.trim() === '' ? DEFAULT_WEIGHTS_URL : settings.weightsUrl.trim()
}

let cached: { url: string; shards: Map<string, Uint8Array> } | null = null

/** Reads shards from memory once a download of the same URL has completed. */
function cachingReader(url: string): ShardReader {
  if (cached?.url !== url) cached = { url, shards: new Map() }
  const shards = cached.shards
  const fetchShard = urlReader(url)
  return async (path) => {
    const hit = shards.get(path)
    if (hit !== undefined) return hit
    const bytes = await fetchShard(path)
    shards.set(path, bytes)
    return bytes
  }
}

/**
 * Weights as tensors on the current tfjs backend; the caller disposes them (models/load-vgg19
 * disposeWeights). onProgress reports bytes verified so far and the total.
 */
export async function loadWeightsAsync(url: string, onProgress: (loaded: number, total: number) => void): Promise<VggWeights> {
  try {
    return await loadVgg19Weights(cachingReader(url), { onProgress, hint: '' })
  } catch (error) {
    // A half-downloaded or corrupt set must not stick for the rest of the session.
    cached = null
    throw error
  }
}
