import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROTOCOL_VERSION } from '../protocol.js'
import { hostAllowed, type Refusal } from './request-guard.js'
import { contentType, resolveStaticFile } from './static-files.js'
import { createShardLookup } from './weights-route.js'

export interface HttpConfig {
  port: () => number
  origins: () => ReadonlySet<string>
  weightsDir: string
  /** build/playground: served at / and /playground/ when it exists. */
  playgroundDir: string
  health: () => Record<string, unknown>
  /** POST /pair: would a WebSocket from this origin with this token be accepted? null: yes. */
  pairing: (origin: string | undefined, presented: string) => Refusal | null
}

/** Tokens are at most 128 characters; a body past this is not one. */
const MAX_PAIR_BODY = 1024

/**
 * The plain-HTTP side of the helper: GET /health, GET /weights/<shard>, the playground's static
 * files, and POST /pair (the token check, answered 204 or 401, nothing else). Same Host check as
 * the WebSocket; CORS names the caller's origin when
 * it is one of the allowed ones and is absent otherwise (`*` only on weights shards for the null
 * origin, see below).
 */
export function createHttpHandler(cfg: HttpConfig): (req: IncomingMessage, res: ServerResponse) => void {
  const shard = createShardLookup(cfg.weightsDir)
  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(body)
  }

  return (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    if (!hostAllowed(req.headers.host, cfg.port())) return send(res, 403, 'The Host header must be 127.0.0.1 or localhost with the helper\'s port.\n')
    const origin = req.headers.origin
    if (origin !== undefined && cfg.origins().has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Vary', 'Origin')
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST')
      return void res.writeHead(204).end()
    }
    // The raw path, not a normalised one: `/weights/../x` must not turn into `/x`.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/'
    if (rawPath === '/pair') return pair(req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(res, 405, 'Only GET and HEAD are served here.\n')
    }
    handleAsync(rawPath, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `The helper could not answer: ${(e as Error).message}\n`)
      else res.destroy()
    })
  }

  /**
   * The token comes as a text/plain body, so a browser sends it as a simple request (no preflight)
   * and it never appears in a URL or a log. The null origin (Figma's iframe) reads only `*`
   * responses (platform-facts H2), and the answer says nothing the token's holder does not know.
   */
  function pair(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return send(res, 405, 'POST the pairing token here.\n')
    }
    if (req.headers.origin === 'null') res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Cache-Control', 'no-store')
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_PAIR_BODY) return void chunks.push(chunk)
      // Answer once and let the rest drain unread; the connection closes after the answer.
      if (!res.headersSent) {
        res.setHeader('Connection', 'close')
        send(res, 413, 'A pairing token is at most 128 characters.\n')
      }
    })
    req.on('error', () => res.destroy())
    req.on('end', () => {
      if (res.headersSent) return
      const refusal = cfg.pairing(req.headers.origin, Buffer.concat(chunks).toString('utf8'))
      if (refusal === null) return void res.writeHead(204).end()
      send(res, refusal.status, `${refusal.message}\n`)
    })
  }

  async function handleAsync(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (path === '/health') {
      return send(res, 200, JSON.stringify({ ok: true, protocol: PROTOCOL_VERSION, ...cfg.health() }), 'application/json')
    }
    if (path.startsWith('/weights/')) {
      const found = await shard(path.slice('/weights/'.length))
      if (found === null) return send(res, 404, 'No such weights shard.\n')
      if (found === 'corrupt') return send(res, 500, 'This weights shard does not match the manifest; run `npm run models` again.\n')
      // Figma's docs say a null-origin plugin iframe can only read responses that carry `*`
      // (platform-facts H2). The shards are public, hash-checked model data, so for the null
      // origin alone they get `*`; other pages still get no CORS header.
      if (req.headers.origin === 'null') res.setHeader('Access-Control-Allow-Origin', '*')
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': found.bytes,
        // Shards are named and hashed by the manifest; a new model version gets new names.
        'Cache-Control': 'public, max-age=86400'
      })
      if (req.method === 'HEAD') return void res.end()
      createReadStream(found.path).on('error', () => res.destroy()).pipe(res)
      return
    }
    if (path === '/playground') {
      // Relative URLs inside the playground resolve against the folder, so it needs the slash.
      return void res.writeHead(301, { Location: '/playground/' }).end()
    }
    if (path === '/' || path.startsWith('/playground/')) {
      const rel = path === '/' ? '/' : path.slice('/playground'.length)
      const file = await resolveStaticFile(cfg.playgroundDir, rel)
      if (file === null) {
        return send(res, 404, path === '/' ? 'The stylecraft helper is running. The playground is not built yet (npm run build).\n' : 'Not found.\n')
      }
      res.writeHead(200, { 'Content-Type': contentType(file), 'Cache-Control': 'no-cache' })
      if (req.method === 'HEAD') return void res.end()
      createReadStream(file).on('error', () => res.destroy()).pipe(res)
      return
    }
    send(res, 404, 'Not found.\n')
  }
}
