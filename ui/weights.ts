// VGG-19 weights for the panel: downloaded once per plugin open from the paired helper or the
// project's public npm package (or any server with CORS *), verified shard by shard against
// models/vgg19.manifest.json, kept in memory as verified bytes. Tensors are made from those bytes on whichever backend is current,
// so a fallback to another backend needs no second download.
import { type ShardReader, WeightsError, loadVgg19Weights, urlReader } from '../models/vgg19/load-vgg19.js'
import { WEIGHTS_PACKAGE, WEIGHTS_PACKAGE_URL } from '../models/vgg19/weights-package.js'
import type { Settings } from '../plugin/messages.js'
import type { VggWeights } from '../models/style-transfer/index.js'
import type { HelperClient } from './helper-client/helper-client.js'

export { WEIGHTS_PACKAGE }

/**
 * Where the panel gets the weights without a helper: the project's npm package on jsDelivr
 * (models/vgg19/weights-package.ts). The host must be in manifest.json's allowedDomains.
 */
export const DEFAULT_WEIGHTS_URL = WEIGHTS_PACKAGE_URL

export { WeightsError }

/**
 * The helper's weights route for its WebSocket address (ws://localhost:8787 ->
 * http://localhost:8787/weights/), or null when the address is not a URL.
 */
export function helperWeightsUrl(helperAddress: string): string | null {
  try {
    const url = new URL(helperAddress.trim())
    if (url.protocol === 'ws:' || url.protocol === 'http:') url.protocol = 'http:'
    else if (url.protocol === 'wss:' || url.protocol === 'https:') url.protocol = 'https:'
    else return null
    return `${url.origin}/weights/`
  } catch {
    return null
  }
}

/**
 * The weights address for a job: the one typed under Advanced; else the paired helper's (on this
 * computer, no internet needed); else the public package.
 */
export function weightsUrlOf(settings: Settings, helper: HelperClient | null = null): string {
  if (settings.weightsUrl.trim() !== '') return settings.weightsUrl.trim()
  const state = helper?.current.state
  const fromHelper = state === 'paired' || state === 'busy' ? helperWeightsUrl(settings.helperUrl) : null
  return fromHelper ?? DEFAULT_WEIGHTS_URL
}

/**
 * Shards already downloaded in this panel, by file name, whatever address they came from: every
 * load checks each shard's sha256 against the one manifest, so bytes from the helper and from the
 * public package are interchangeable, and switching address does not download again.
 */
let cached: Map<string, Uint8Array> | null = null

/** Reads shards from memory once they have been downloaded. */
function cachingReader(url: string): ShardReader {
  cached ??= new Map()
  const shards = cached
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
