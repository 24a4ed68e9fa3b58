import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configDir, loadOrCreateToken } from '../../helper/server/token-store.js'
import { TestClient } from './support.js'
import { WEIGHTS_DIR } from '../support/tf.js'

const dir = mkdtempSync(join(tmpdir(), 'stylecraft-config-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

test('the config folder: STYLECRAFT_CONFIG_DIR, then %APPDATA% on Windows, then XDG_CONFIG_HOME, then ~/.config', () => {
  assert.equal(configDir({ STYLECRAFT_CONFIG_DIR: '/x/y', XDG_CONFIG_HOME: '/xdg' }, 'linux'), '/x/y')
  assert.equal(configDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\a\\AppData\\Roaming', 'stylecraft'))
  assert.equal(configDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux'), '/xdg/stylecraft')
  assert.match(configDir({}, 'linux'), /\.config[/\\]stylecraft$/)
})

test('the token is created once (user-only file), reused, and rotated on request', async () => {
  const d = join(dir, 'unit')
  const a = await loadOrCreateToken({ dir: d })
  assert.equal(a.status, 'created')
  assert.match(a.token, /^[A-Za-z0-9_-]{32}$/)
  assert.equal(readFileSync(a.file, 'utf8').trim(), a.token)
  if (process.platform !== 'win32') assert.equal(statSync(a.file).mode & 0o777, 0o600)
  const b = await loadOrCreateToken({ dir: d })
  assert.deepEqual([b.status, b.token], ['reused', a.token])
  const c = await loadOrCreateToken({ dir: d, rotate: true })
  assert.equal(c.status, 'rotated')
  assert.notEqual(c.token, a.token)
  assert.equal((await loadOrCreateToken({ dir: d })).token, c.token)
  // A truncated or hand-edited token is replaced, not trusted.
  writeFileSync(c.file, 'short\n')
  const e = await loadOrCreateToken({ dir: d })
  assert.equal(e.status, 'created')
  assert.notEqual(e.token, 'short')
})

test('a token folder or file found open to others is made private (0700, 0600); a stricter file is left alone', { skip: process.platform === 'win32' && 'POSIX modes' }, async () => {
  const d = join(dir, 'loose')
  const file = join(d, 'token')
  const token = 'A'.repeat(32)
  mkdirSync(d)
  writeFileSync(file, `${token}\n`)
  // Explicit modes: the umask would have narrowed what mkdir and writeFile asked for.
  chmodSync(d, 0o755)
  chmodSync(file, 0o644)
  const mode = (p: string): number => statSync(p).mode & 0o777
  const a = await loadOrCreateToken({ dir: d })
  assert.deepEqual([a.status, a.token, a.tightened], ['reused', token, [d, file]])
  assert.deepEqual([mode(d), mode(file)], [0o700, 0o600])
  assert.deepEqual((await loadOrCreateToken({ dir: d })).tightened, [])
  // Read-only for the user is stricter than 0600: nothing to take away.
  chmodSync(file, 0o400)
  assert.deepEqual((await loadOrCreateToken({ dir: d })).tightened, [])
  assert.equal(mode(file), 0o400)
  // A replaced file keeps the mode of the file it overwrote, so it is tightened too.
  chmodSync(file, 0o666)
  writeFileSync(file, 'short\n')
  chmodSync(d, 0o775)
  const b = await loadOrCreateToken({ dir: d })
  assert.deepEqual([b.status, b.tightened], ['created', [d, file]])
  assert.notEqual(b.token, token)
  assert.deepEqual([mode(d), mode(file)], [0o700, 0o600])
  // Rotation goes through the same path.
  chmodSync(file, 0o640)
  const c = await loadOrCreateToken({ dir: d, rotate: true })
  assert.deepEqual([c.status, c.tightened, mode(file)], ['rotated', [file], 0o600])
})

test('npm start (helper/cli/start.ts): prints address, token and Figma steps; pairs with the stored token; SIGINT closes', async (t) => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const env = { ...process.env, STYLECRAFT_CONFIG_DIR: join(dir, 'cli') }
  const child = spawn(process.execPath, ['--import', 'tsx', 'helper/cli/start.ts', '--port', '0', '--backend', 'wasm', '--weights', WEIGHTS_DIR, '--memory-mb', '2000'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  // A failed assertion must not leave the helper running: its open pipes would keep this file's
  // process (and the whole suite) waiting forever.
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no banner in time:\n${out}\n${err}`)), 60_000)
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('Ctrl-C stops')) { clearTimeout(t); resolve() } })
    child.on('close', () => reject(new Error(`exited early:\n${out}\n${err}`)))
  })
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
  const token = /pairing token:\s+(\S+)/.exec(out)?.[1]
  assert.ok(url !== undefined && token !== undefined, out)
  assert.equal(readFileSync(join(dir, 'cli', 'token'), 'utf8').trim(), token)
  assert.match(out, /Plugins > Development > Import plugin from manifest/)
  assert.match(out, /playground: +http:\/\/127\.0\.0\.1:\d+\/playground\//)
  // The budget decides the tiles, and npm start's engine gets them (a 2000 MB budget: 368 px).
  assert.match(out, /limits: +4096px per side, 8 waiting jobs, memory budget 2000 MB; larger than 368 px is optimised in tiles/)
  assert.match(out, /pair it under Advanced with the token above/)
  const c = new TestClient(`${url.replace('http', 'ws')}/ws`, { token })
  await c.hello()
  assert.equal((await c.waitFor('capabilities')).msg.backend, 'wasm')
  child.kill('SIGINT')
  assert.equal((await c.closed).code, 1001)
  assert.equal(await exited, 0)
  assert.match(out, /helper stopped/)
})
