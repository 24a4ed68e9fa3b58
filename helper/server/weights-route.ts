import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { sha256Hex } from '../../models/vgg19/sha256.js'
import { readTrustedHashes } from '../weights-dir.js'

export interface ShardFile { path: string; bytes: number }

/**
 * Serves the VGG-19 shards by their manifest names only: the name is looked up in the manifest,
 * never joined from the URL, so no request can reach another file. Each shard's sha256 is checked
 * once, the first time it is asked for, so a corrupt file is never handed to a client.
 */
export function createShardLookup(weightsDir: string): (name: string) => Promise<ShardFile | 'corrupt' | null> {
  const verified = new Map<string, Promise<boolean>>()
  const trusted = readTrustedHashes(weightsDir) ?? {}
  return async (name) => {
    const shard = VGG19_MANIFEST.shards.find((s) => s.path === name)
    if (shard === undefined) return null
    const path = join(weightsDir, shard.path)
    let check = verified.get(shard.path)
    if (check === undefined) {
      check = readFile(path).then(async (b) => {
        const h = await sha256Hex(new Uint8Array(b.buffer, b.byteOffset, b.length))
        return h === shard.sha256 || h === trusted[shard.path]
      }, () => false)
      verified.set(shard.path, check)
    }
    if (!(await check)) {
      verified.delete(shard.path) // retry after the user fixes the folder
      return 'corrupt'
    }
    return { path, bytes: shard.bytes }
  }
}
