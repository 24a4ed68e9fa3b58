import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { fakeEngine, startServer, TOKEN } from './support.js'

let server: HelperServer
const dir = mkdtempSync(join(tmpdir(), 'helper-http-'))
const playground = join(dir, 'playground')

before(async () => {
  mkdirSync(join(playground, 'assets'), { recursive: true })
  writeFileSync(join(playground, 'index.html'), '<!doctype html><title>playground</title>')
  writeFileSync(join(playground, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'secret')
  symlinkSync(join(dir, 'secret.txt'), join(playground, 'link.txt'))
  server = await startServer({ engine: fakeEngine(), playgroundDir: playground })
})
after(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A raw request: the path goes on the wire exactly as given (fetch would normalise `..`). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('GET /weights/<shard> serves the verified shard, with CORS for the plugin\'s null origin', async () => {
  const shard = VGG19_MANIFEST.shards[VGG19_MANIFEST.shards.length - 1]!
  const r = await get(`/weights/${shard.path}`, { Origin: 'null' })
  assert.equal(r.status, 200)
  assert.equal(r.body.length, shard.bytes)
  assert.equal(createHash('sha256').update(r.body).digest('hex'), shard.sha256)
  // Figma's null-origin iframe needs `*` (its docs); only public shards get it, only for null.
  assert.equal(r.headers['access-control-allow-origin'], '*')
  assert.equal(r.headers['content-type'], 'application/octet-stream')
  const figma = await get(`/weights/${shard.path}`, { Origin: 'https://www.figma.com' }, 'HEAD')
  assert.equal(figma.headers['access-control-allow-origin'], 'https://www.figma.com')
  // Other origins get the bytes (they are public) but no CORS header, so their pages cannot read them.
  const evil = await get(`/weights/${shard.path}`, { Origin: 'https://evil.example' }, 'HEAD')
  assert.equal(evil.headers['access-control-allow-origin'], undefined)
})

test('/weights refuses names outside the manifest and path traversal', async () => {
  for (const path of ['/weights/model.json', '/weights/trusted-hashes.json', '/weights/../package.json', '/weights/..%2f..%2fpackage.json',
    '/weights/%2e%2e/%2e%2e/package.json', '/weights/group1-shard1of11.bin/', '/weights/./group1-shard1of11.bin', '/weights/', '/weights/%00']) {
    const r = await get(path)
    assert.equal(r.status, 404, path)
    assert.ok(!r.body.toString().includes('"name"'), path)
  }
})

test('GET /health answers JSON; other methods and a wrong Host are refused', async () => {
  const r = await get('/health')
  assert.equal(r.status, 200)
  const body = JSON.parse(r.body.toString()) as { ok: boolean; protocol: number; busy: boolean }
  assert.equal(body.ok, true)
  assert.equal(body.busy, false)
  assert.equal((await get('/health', {}, 'POST')).status, 405)
  assert.equal((await get('/health', { Host: `rebind.example:${server.port}` })).status, 403)
  assert.equal((await get('/health', { Host: `localhost:${server.port}` })).status, 200)
})

test('the playground is served from its folder, with no way out of it', async () => {
  const index = await get('/')
  assert.equal(index.status, 200)
  assert.match(index.headers['content-type'] as string, /^text\/html/)
  assert.match(index.body.toString(), /playground/)
  assert.equal((await get('/playground')).status, 301)
  assert.equal((await get('/playground/')).status, 200)
  const js = await get('/playground/assets/app.js')
  assert.equal(js.status, 200)
  assert.match(js.headers['content-type'] as string, /^text\/javascript/)
  for (const path of ['/playground/../secret.txt', '/playground/..%2fsecret.txt', '/playground/%2e%2e/secret.txt', '/playground/link.txt',
    '/playground/..\\secret.txt', '/playground/%2e%2e%5csecret.txt', '/playground/assets/%00', '/playground/%E0%A4%A', '/secret.txt', '/playground/nope.js']) {
    const r = await get(path)
    assert.equal(r.status, 404, path)
    assert.ok(!r.body.toString().includes('secret'), path)
  }
})

test('without a built playground, / says so in a sentence', async () => {
  const s = await startServer({ engine: fakeEngine(), playgroundDir: join(dir, 'missing') })
  try {
    const r = await new Promise<Reply>((resolve, reject) => {
      request({ host: '127.0.0.1', port: s.port, path: '/' }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      }).on('error', reject).end()
    })
    assert.equal(r.status, 404)
    assert.match(r.body.toString(), /playground is not built yet/)
  } finally {
    await s.close()
  }
})

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('POST /pair tells a right token (204) from a wrong one (401), with the upgrade\'s Host and Origin rules', async () => {
  const right = await post('/pair', TOKEN, { Origin: 'null' })
  assert.equal(right.status, 204)
  // Figma's null-origin iframe reads only `*` responses; nothing is cached.
  assert.equal(right.headers['access-control-allow-origin'], '*')
  assert.equal(right.headers['cache-control'], 'no-store')
  const wrong = await post('/pair', 'wrong-token-wrong-token-wrong-token', { Origin: 'null' })
  assert.equal(wrong.status, 401)
  assert.equal(wrong.body.toString(), 'The pairing token is wrong; copy it again from the helper\'s window.\n')
  assert.ok(!wrong.body.toString().includes(TOKEN))
  // A near miss (one character off, or the token with a suffix) is as wrong as any other.
  assert.equal((await post('/pair', `${TOKEN.slice(0, -1)}x`)).status, 401)
  assert.equal((await post('/pair', `${TOKEN}x`)).status, 401)
  assert.equal((await post('/pair', '')).status, 401)
  // A pasted token with a trailing newline still counts, as it does in the panel (trimmed there too).
  assert.equal((await post('/pair', `${TOKEN}\n`)).status, 204)
  // The same Host and Origin rules as the WebSocket upgrade.
  assert.equal((await post('/pair', TOKEN, { Host: `rebind.example:${server.port}` })).status, 403)
  const foreign = await post('/pair', TOKEN, { Origin: 'https://evil.example' })
  assert.equal(foreign.status, 403)
  assert.equal(foreign.headers['access-control-allow-origin'], undefined)
  assert.equal((await get('/pair')).status, 405)
  assert.equal((await post('/pair', Buffer.alloc(4096, 97))).status, 413)
})
