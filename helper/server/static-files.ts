import { realpath, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8', '.bin': 'application/octet-stream', '.webp': 'image/webp'
}

export const contentType = (file: string): string => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'

/**
 * Maps a URL path below a static root to a file inside it, or null. Refuses anything that could
 * leave the root: undecodable escapes, NUL, backslashes, `.`/`..` segments (also when
 * percent-encoded), and symlinks pointing outside (checked on the real path).
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s !== '')
  if (segments.some((s) => s === '.' || s === '..')) return null
  let realRoot: string
  try {
    realRoot = await realpath(root)
  } catch {
    return null
  }
  let file = resolve(realRoot, ...segments)
  if (file !== realRoot && !file.startsWith(realRoot + sep)) return null
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html')
    const real = await realpath(file)
    if (!real.startsWith(realRoot + sep)) return null
    return (await stat(real)).isFile() ? real : null
  } catch {
    return null
  }
}
