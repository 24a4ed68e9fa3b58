// The helper's first start without --weights-from: the manifest's own shards from the weights
// package (here the package folder served at the CDN's path by a local server), each verified
// before it is written, so a paired panel accepts what the helper then serves.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createLineWriter } from '../../helper/cli/progress-bar.js'
import { downloadPackageShards, ensureWeights } from '../../helper/fetch-weights.js'
import { TRUSTED_FILE } from '../../helper/weights-dir.js'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { packWeightsAsync } from '../../ui/build/pack-weights.js'
import { CDN_PATH, type LocalCdn, startLocalCdnAsync } from '../ui/support/cdn.js'

const SHARED_WEIGHTS = fileURLToPath(new URL('../../../shared/models/vgg19/', import.meta.url))
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

let tmp: string
let good: LocalCdn
let bad: LocalCdn
const CORRUPT = VGG19_MANIFEST.shards[3]!.path

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'stylecraft-fetch-'))
  const pkg = await packWeightsAsync({ from: SHARED_WEIGHTS, out: join(tmp, 'pkg') })
  good = await startLocalCdnAsync(pkg)
  await cp(pkg, join(tmp, 'bad'), { recursive: true })
  const bytes = readFileSync(join(tmp, 'bad', CORRUPT))
  bytes[7] = bytes[7]! ^ 0x10
  await writeFile(join(tmp, 'bad', CORRUPT), bytes)
  bad = await startLocalCdnAsync(join(tmp, 'bad'))
})
after(async () => {
  await good?.close()
  await bad?.close()
  await rm(tmp, { recursive: true, force: true })
})

test('first start downloads the manifest\'s shards from the package, verified; a second start downloads nothing', async () => {
  const to = join(tmp, 'weights')
  assert.equal(await ensureWeights({ to, packageUrl: `${good.origin}${CDN_PATH}` }), 0)
  for (const s of VGG19_MANIFEST.shards) assert.equal(sha(join(to, s.path)), s.sha256, s.path)
  assert.equal(existsSync(join(to, TRUSTED_FILE)), false, 'no locally converted hashes: these are the published bytes')
  assert.deepEqual(good.served, VGG19_MANIFEST.shards.map((s) => `${CDN_PATH}${s.path}`))
  assert.equal(await ensureWeights({ to, packageUrl: `${good.origin}${CDN_PATH}` }), 0)
  assert.equal(good.served.length, VGG19_MANIFEST.shards.length, 'in place and verified: nothing fetched again')
})

test('a shard that fails its check is not written, and the reason names it', async () => {
  const to = join(tmp, 'partial')
  await cp(join(tmp, 'pkg'), to, { recursive: true, filter: (f) => !f.endsWith('.bin') || f.endsWith(VGG19_MANIFEST.shards[0]!.path) })
  const why = await downloadPackageShards(`${bad.origin}${CDN_PATH}`, to, createLineWriter(process.stderr))
  assert.match(why ?? '', new RegExp(`^${CORRUPT.replace(/\./g, '\\.')} is not the manifest's shard \\(4000000 bytes, sha256 [0-9a-f]{12}…\\)$`))
  assert.equal(existsSync(join(to, CORRUPT)), false)
  // The first shard was already in place and verified, so the download started with the second.
  assert.deepEqual(bad.served, VGG19_MANIFEST.shards.slice(1, 4).map((s) => `${CDN_PATH}${s.path}`))
  const missing = await downloadPackageShards(`${good.origin}/nowhere/`, join(tmp, 'partial'), createLineWriter(process.stderr))
  // The three good shards stay; the next one is asked for again.
  assert.equal(missing, `${CORRUPT}: HTTP 404`)
})
