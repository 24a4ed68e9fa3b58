// The weights package the panel loads without a helper (npm run pack:weights), served from a local
// static server at the very path jsDelivr gives it (/npm/stylecraft-vgg19@<version>/): only the
// origin differs from DEFAULT_WEIGHTS_URL. First its files, then the loader in Node, then the built
// panel in Chromium with the default address, whose requests to the CDN are answered by that server.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { disposeWeights, loadVgg19Weights } from '../../models/vgg19/load-vgg19.js'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { sha256Hex } from '../../models/vgg19/sha256.js'
import { packWeightsAsync } from '../../ui/build/pack-weights.js'
import { DEFAULT_WEIGHTS_URL, WEIGHTS_PACKAGE } from '../../ui/weights.js'
import { type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'
import { CDN_PATH, type LocalCdn, routeCdnAsync, startLocalCdnAsync } from './support/cdn.js'

const SHARED_WEIGHTS = fileURLToPath(new URL('../../../shared/models/vgg19/', import.meta.url))

let tmp: string
let pkgDir: string
let cdn: LocalCdn

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'stylecraft-weights-'))
  pkgDir = await packWeightsAsync({ from: SHARED_WEIGHTS, out: join(tmp, WEIGHTS_PACKAGE) })
  cdn = await startLocalCdnAsync(pkgDir)
})
after(async () => {
  await cdn?.close()
  await rm(tmp, { recursive: true, force: true })
})

test('the package folder: verified shards, model.json, manifest, CC BY 4.0 attribution, and nothing that runs', async () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>
  assert.equal(pkg.name, WEIGHTS_PACKAGE)
  // The default URL's version is the manifest's: new shards get a new URL.
  assert.equal(pkg.version, VGG19_MANIFEST.version)
  assert.equal(DEFAULT_WEIGHTS_URL, `https://cdn.jsdelivr.net/npm/${WEIGHTS_PACKAGE}@${VGG19_MANIFEST.version}/`)
  assert.equal(pkg.license, 'CC-BY-4.0')
  assert.equal(pkg.scripts, undefined)
  assert.equal(pkg.main, undefined)
  for (const s of VGG19_MANIFEST.shards) {
    assert.equal(await sha256Hex(new Uint8Array(readFileSync(join(pkgDir, s.path)))), s.sha256, s.path)
  }
  const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8')
  for (const needed of ['CC BY 4.0', 'https://creativecommons.org/licenses/by/4.0/', 'Visual Geometry Group, University of Oxford', 'Simonyan', 'Zisserman', 'arXiv:1409.1556', 'float16', DEFAULT_WEIGHTS_URL]) {
    assert.ok(readme.includes(needed), `README names ${needed}`)
  }
  assert.match(readFileSync(join(pkgDir, 'LICENSE.md'), 'utf8'), /Creative Commons Attribution 4\.0/)

  // What `npm publish` would upload: exactly these files (npm's own listing, nothing published).
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir })
  const listed = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort()
  assert.deepEqual(listed, (await readdir(pkgDir)).sort())
  assert.equal(listed.length, VGG19_MANIFEST.shards.length + 5)
})

test('a shard that is not the manifest\'s is refused with a sentence naming it', async () => {
  const bad = join(tmp, 'bad')
  await cp(SHARED_WEIGHTS, bad, { recursive: true })
  const victim = VGG19_MANIFEST.shards[3]!.path
  const bytes = readFileSync(join(bad, victim))
  bytes[100] = bytes[100]! ^ 1
  await writeFile(join(bad, victim), bytes)
  await assert.rejects(packWeightsAsync({ from: bad, out: join(tmp, 'never') }),
    (e: Error) => e.message.includes(victim) && /is not the manifest's shard .* only the verified shards can be published/.test(e.message))
  assert.equal(existsSync(join(tmp, 'never')), false, 'nothing written')
})

test('the loader reads the package through the CDN layout, verified, in Node', async () => {
  const before = cdn.served.length
  await tf.setBackend('cpu')
  const start = tf.memory().numTensors
  const weights = await loadVgg19Weights(`${cdn.origin}${CDN_PATH}`)
  assert.deepEqual(weights['conv1_1/kernel']?.shape, [3, 3, 3, 64])
  disposeWeights(weights)
  assert.equal(tf.memory().numTensors, start)
  assert.deepEqual(cdn.served.slice(before), VGG19_MANIFEST.shards.map((s) => `${CDN_PATH}${s.path}`))
})

let session: Session
test('the built panel with the default address loads the package and places a result (wasm)', { timeout: 300_000 }, async (t) => {
  session = await startSession()
  t.after(() => session.close())
  const { asked, elsewhere } = await routeCdnAsync(session.context, cdn, [session.origin])
  // weightsUrl '' = the default (the playground otherwise points the panel at its own /weights/).
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 32, quality: 'custom', steps: 1, weightsUrl: '' })
  await transferAsync(pg, 180_000)
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) assert.fail(await error.innerText())
  assert.match(await pg.panel.getByTestId('done').innerText(), /Placed a 32×21 px result/)
  assert.deepEqual(asked, VGG19_MANIFEST.shards.map((s) => `${DEFAULT_WEIGHTS_URL}${s.path}`), 'every shard once, from the default address')
  assert.deepEqual(elsewhere, [])
  assert.deepEqual(pg.errors, [])
})
