// The weights package's CDN, played locally: a static server that serves a package folder at the
// very path jsDelivr gives it (/npm/stylecraft-vgg19@<version>/, from DEFAULT_WEIGHTS_URL) with the
// CDN's CORS *, and a browser route that answers the panel's requests to the CDN from that server.
import { createReadStream, existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { DEFAULT_WEIGHTS_URL } from '../../../ui/weights.js'

/** The package's path on the CDN: /npm/stylecraft-vgg19@1.0.0/ */
export const CDN_PATH = new URL(DEFAULT_WEIGHTS_URL).pathname

export interface LocalCdn {
  /** http://127.0.0.1:PORT: DEFAULT_WEIGHTS_URL with only the origin swapped is `${origin}${CDN_PATH}`. */
  origin: string
  /** Paths served so far, in order. */
  served: string[]
  close(): Promise<void>
}

export async function startLocalCdnAsync(packageDir: string): Promise<LocalCdn> {
  const served: string[] = []
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const name = path.startsWith(CDN_PATH) ? path.slice(CDN_PATH.length) : ''
    const headers = { 'Access-Control-Allow-Origin': '*' }
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(packageDir, name))) return void res.writeHead(404, headers).end()
    served.push(path)
    res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' })
    createReadStream(join(packageDir, name)).pipe(res)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  return {
    origin: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
    served,
    close: () => new Promise((ok) => server.close(() => ok()))
  }
}

/**
 * Routes the browser: requests to the CDN are answered by `cdn`, path unchanged (recorded in
 * `asked`); requests to `local` origins go through; anything else is recorded and refused.
 */
export async function routeCdnAsync(context: BrowserContext, cdn: LocalCdn, local: readonly string[]): Promise<{ asked: string[]; elsewhere: string[] }> {
  const origin = new URL(DEFAULT_WEIGHTS_URL).origin
  const asked: string[] = []
  const elsewhere: string[] = []
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith(`${origin}/`)) {
      asked.push(url)
      return route.fulfill({ response: await route.fetch({ url: `${cdn.origin}${new URL(url).pathname}` }) })
    }
    if (local.some((o) => url.startsWith(`${o}/`))) return route.continue()
    elsewhere.push(url)
    return route.abort()
  })
  return { asked, elsewhere }
}
