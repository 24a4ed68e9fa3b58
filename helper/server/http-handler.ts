import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROTOCOL_VERSION } from '../protocol.js'
import { hostAllowed } from './request-guard.js'
import { contentType, resolveStaticFile } from './static-files.js'
import { createShardLookup } from './weights-route.js'

export interface HttpConfig {
  port: () => number
  origins: () => ReadonlySet<string>
  weightsDir: string
  /** build/playground: served at / and /playground/ when it exists. */
  playgroundDir: string
  health: () => Record<string, unknown>
}

/**
 * The plain-HTTP side of the helper: GET /health, GET /weights/<shard>, and the playground's
 * static files. Read-only, same Host check as the WebSocket; CORS names the caller's origin when
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
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD')
      return void res.writeHead(204).end()
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(res, 405, 'Only GET and HEAD are served here.\n')
    }
    // The raw path, not a normalised one: `/weights/../x` must not turn into `/x`.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/'
    handleAsync(rawPath, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, `The helper could not answer: ${(e as Error).message}\n`)
      else res.destroy()
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
