import { readFile } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { loadVgg19Weights, type LoadOptions, type ShardReader } from '../models/vgg19/load-vgg19.js'
import type { VggWeights } from '../models/style-transfer/types.js'

/** Where `npm run models` puts the weights (git-ignored). */
export const DEFAULT_WEIGHTS_DIR = fileURLToPath(new URL('../models/vgg19/weights/', import.meta.url))
/** Hashes of shards converted locally from the Keras HDF5 file, written by `npm run models`. */
export const TRUSTED_FILE = 'trusted-hashes.json'

export function directoryReader(dir: string): ShardReader {
  return async (path) => new Uint8Array(await readFile(join(dir, path)))
}

export function readTrustedHashes(dir: string): Record<string, string> | undefined {
  const file = join(dir, TRUSTED_FILE)
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
}

/** Loads the weights from a local directory (default: models/vgg19/weights), verified against the manifest. */
export async function loadWeightsFromDir(dir = DEFAULT_WEIGHTS_DIR, options: LoadOptions = {}): Promise<VggWeights> {
  return loadVgg19Weights(directoryReader(dir), { trustedHashes: readTrustedHashes(dir), ...options })
}
