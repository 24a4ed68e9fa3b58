// The helper as a designer gets it: `npm pack` (whose prepack builds the plugin, the playground and
// the compiled helper), installed into an empty folder, started from the installed bin with plain
// node. Takes about a minute: the pack builds, the install unpacks ~100 packages from the npm cache.
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { buildHelperAsync } from '../../helper/build/build-helper.js'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SHARED_WEIGHTS = fileURLToPath(new URL('../../../shared/models/vgg19/', import.meta.url))
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; private?: boolean; bin: Record<string, string>
  dependencies: Record<string, string>; optionalDependencies: Record<string, string>; devDependencies: Record<string, string>
}

/**
 * The environment for the npm and node children. Under `npm test` the parent's npm_* variables
 * (npm_config_local_prefix among them) would point the child npm at this repository; they go.
 * ONNXRUNTIME_NODE_INSTALL=skip: the designer's folder has no allowScripts policy, so
 * onnxruntime-node's postinstall would fetch its CUDA provider from NuGet (offline here).
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', ...extra }
}

test('the package is publishable and its dependencies are what the compiled helper imports', async () => {
  assert.notEqual(pkg.private, true, 'a private package cannot be published')
  assert.equal(pkg.bin['stylecraft-helper'], 'bin/stylecraft-helper.mjs')
  // `npx stylecraft-helper` runs the bin named like the package.
  assert.equal(pkg.name, 'stylecraft-helper')
  const imported = await buildHelperAsync()
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), imported, 'dependencies = the packages dist/helper imports')
  // Loaded by name at run time when installed (helper/backend.ts importOptional): not in the metafile.
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), ['@tensorflow/tfjs-backend-webgpu', 'webgpu'])
  const start = readFileSync(join(ROOT, 'dist/helper/start.mjs'), 'utf8')
  for (const name of Object.keys(pkg.optionalDependencies)) assert.ok(start.includes(`"${name}"`), `${name} is loaded by dist/helper/start.mjs`)
  for (const dev of ['tsx', 'typescript', 'esbuild']) assert.ok(dev in pkg.devDependencies && !(dev in pkg.dependencies), `${dev} is build tooling only`)
})

test('npm pack installs into an empty folder and its bin serves /health, the weights and the playground', { timeout: 240_000 }, async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'stylecraft-pack-'))
  t.after(() => rm(tmp, { recursive: true, force: true }))
  await run('npm', ['pack', '--pack-destination', tmp, '--silent'], { cwd: ROOT, env: childEnv({}), maxBuffer: 1 << 24 })
  const tarballs = readdirSync(tmp).filter((f) => f.endsWith('.tgz'))
  assert.deepEqual(tarballs, [`${pkg.name}-${pkg.version}.tgz`])
  const tarball = join(tmp, tarballs[0] as string)

  const { stdout: listing } = await run('tar', ['-tzf', tarball])
  const files = listing.split('\n').filter((f) => f !== '').map((f) => f.replace(/^package\//, ''))
  for (const f of ['bin/stylecraft-helper.mjs', 'dist/helper/start.mjs', 'dist/helper/onnx-host.mjs', 'build/playground/index.html', 'build/playground/ui.html', 'build/ui.html', 'build/plugin.js', 'manifest.json', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `the package ships ${f}`)
  }
  assert.deepEqual(files.filter((f) => /\.tsx?$/.test(f) || f.startsWith('test/') || f.includes('node_modules/') || f.endsWith('.bin')), [],
    'no sources, tests, packages or weights in the tarball')

  // An empty folder, as a designer's; packuments from the registry, tarballs from the npm cache.
  const app = join(tmp, 'app')
  await mkdir(app)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, env: childEnv({}), maxBuffer: 1 << 24 })
  for (const dev of ['tsx', 'typescript', 'esbuild', 'playwright-core', 'preact']) {
    assert.equal(existsSync(join(app, 'node_modules', dev)), false, `${dev} is not installed with the helper`)
  }

  const cache = join(tmp, 'cache')
  const bin = join(app, 'node_modules', '.bin', process.platform === 'win32' ? 'stylecraft-helper.cmd' : 'stylecraft-helper')
  const child = spawn(bin, ['--weights-from', SHARED_WEIGHTS, '--port', '0'], {
    cwd: app, env: childEnv({ STYLECRAFT_CONFIG_DIR: join(tmp, 'config'), STYLECRAFT_CACHE_DIR: cache }), stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const origin = await listeningOrigin(child, 120_000)

  const health = await (await fetch(`${origin}/health`)).json() as { ok: boolean; backend: string }
  assert.equal(health.ok, true)
  // onnxruntime runs in a forked child: the compiled dist/helper/onnx-host.mjs, without tsx.
  assert.equal(health.backend, 'onnx')

  // First start put the weights into the per-user cache (the bin's default --weights), verified.
  const last = VGG19_MANIFEST.shards.at(-1)!
  assert.ok(existsSync(join(cache, 'vgg19', VGG19_MANIFEST.shards[0]!.path)), 'weights copied into STYLECRAFT_CACHE_DIR/vgg19')
  const shard = new Uint8Array(await (await fetch(`${origin}/weights/${last.path}`)).arrayBuffer())
  assert.equal(createHash('sha256').update(shard).digest('hex'), last.sha256)

  const page = await fetch(`${origin}/playground/ui.html`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /^<!doctype html>/)

  child.kill('SIGTERM')
  assert.equal(await exited, 0, 'SIGTERM stops the helper cleanly')
})

/** Reads the child's output until "listening on http://127.0.0.1:PORT"; rejects with the output. */
function listeningOrigin(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the installed helper did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m !== null) { clearTimeout(timer); resolve(m[1] as string) }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the installed helper exited with ${code}:\n${out}`)) })
  })
}
