// A tiny static server for the playground: build/playground at /, models/vgg19 at /weights/.
// Usage: tsx ui/playground/serve.ts [--port 8788]. Binds to 127.0.0.1 only.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { type Server, createServer } from 'node:http'
import { extname, normalize, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.bin': 'application/octet-stream', '.png': 'image/png', '.css': 'text/css'
}

export interface ServeOptions { port: number; playgroundDir?: string; weightsDir?: string }

export function startPlaygroundServer(o: ServeOptions): Promise<Server> {
  const mounts: [string, string][] = [
    ['/weights/', o.weightsDir ?? resolve(ROOT, 'models/vgg19/weights')],
    ['/', o.playgroundDir ?? resolve(ROOT, 'build/playground')]
  ]
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      const mount = mounts.find(([prefix]) => path.startsWith(prefix))
      if (mount === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return void res.writeHead(404).end()
      const [prefix, dir] = mount
      const file = normalize(resolve(dir, `.${sep}${path.slice(prefix.length) || 'index.html'}`))
      // No escaping the mounted folder with ../
      if (!file.startsWith(dir + sep) && file !== dir) return void res.writeHead(403).end()
      const info = await stat(file).catch(() => null)
      if (info === null || !info.isFile()) return void res.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end('not found')
      // CORS *: the Figma panel has a null origin (platform-facts H2).
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' })
      if (req.method === 'HEAD') return void res.end()
      createReadStream(file).pipe(res)
    })()
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(o.port, '127.0.0.1', () => ok(server))
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port')
  const port = i > 0 ? Number(process.argv[i + 1]) : 8788
  const server = await startPlaygroundServer({ port })
  const address = server.address()
  console.log(`Playground: http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}/`)
}
