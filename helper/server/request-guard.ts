import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_SUBPROTOCOL_PREFIX } from '../protocol.js'

/**
 * Origins whose pages may talk to the helper. Figma plugin iframes send `Origin: null`, which any
 * sandboxed iframe on any site can also send, so the origin check only narrows the field: the
 * pairing token is the real gate (platform-facts.md H8).
 */
export const PLUGIN_ORIGINS: readonly string[] = ['null', 'https://www.figma.com', 'https://figma.com', 'https://www.photopea.com']

export function allowedOrigins(port: number): Set<string> {
  return new Set([...PLUGIN_ORIGINS, `http://127.0.0.1:${port}`, `http://localhost:${port}`])
}

/**
 * DNS rebinding defence: a hostile name that resolves to 127.0.0.1 still carries its own name in
 * Host, so only the loopback names with our port are accepted.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false
  const h = host.toLowerCase()
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`
}

/**
 * A missing Origin means a non-browser client (CLI, tests): browsers always send one on a
 * WebSocket handshake, so a web page cannot omit it.
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  return origin === undefined || allowed.has(origin)
}

/** The token from `?token=` or from a `stylecraft.token.<token>` subprotocol (browsers cannot set headers). */
export function presentedToken(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const fromQuery = url.searchParams.get('token')
  if (fromQuery !== null) return fromQuery
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
  const entry = protocols.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
  return entry === undefined ? null : entry.slice(TOKEN_SUBPROTOCOL_PREFIX.length)
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function tokenMatches(presented: string | null, expected: string): boolean {
  return presented !== null && timingSafeEqual(digest(presented), digest(expected))
}

export interface Refusal { status: 400 | 401 | 403 | 404 | 503; message: string }

/**
 * The upgrade's Origin and token checks for the plain-HTTP pairing probe (POST /pair with the
 * token as the body; the Host was checked by the HTTP handler). Browsers hide why an upgrade was
 * refused, so the panel asks here after a failed one: 204 when the same socket would be accepted,
 * 401 for a wrong token, 403 for a foreign origin, 503 when the helper is full. It answers nothing
 * a holder of the token could not learn by connecting, and the token is 192 random bits.
 */
export function checkPairing(origin: string | undefined, presented: string, cfg: { token: string; origins: ReadonlySet<string>; full: () => Refusal | null }): Refusal | null {
  if (!originAllowed(origin, cfg.origins)) return { status: 403, message: `Origin ${origin ?? ''} may not connect to the helper.` }
  if (!tokenMatches(presented.trim(), cfg.token)) return { status: 401, message: 'The pairing token is wrong; copy it again from the helper\'s window.' }
  return cfg.full()
}

/** Every check the upgrade makes before a socket exists; null when the client may connect. */
export function checkUpgrade(req: IncomingMessage, cfg: { port: number; token: string; path: string; origins: ReadonlySet<string> }): Refusal | null {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
  if (path !== cfg.path) return { status: 404, message: `No WebSocket here; connect to ${cfg.path}.` }
  if (!hostAllowed(req.headers.host, cfg.port)) return { status: 403, message: 'The Host header must be 127.0.0.1 or localhost with the helper\'s port.' }
  if (!originAllowed(req.headers.origin, cfg.origins)) return { status: 403, message: `Origin ${req.headers.origin ?? ''} may not connect to the helper.` }
  if (!tokenMatches(presentedToken(req), cfg.token)) return { status: 401, message: 'The pairing token is missing or wrong; copy it from the helper\'s console.' }
  return null
}
