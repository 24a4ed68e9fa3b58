// Why a WebSocket to the helper failed before it opened. Browsers hide the HTTP status of a refused
// upgrade (a close with code 1006 is all the page learns), so the client asks the helper's plain
// HTTP side instead: POST /pair with the token answers 204 when the same socket would be accepted,
// 401 for a wrong token, 403 for a foreign origin, 503 when full (helper/server/request-guard.ts).

/** How the helper is started, as the panel says it wherever the helper is not there. */
export const HELPER_START = '`npx stylecraft-helper` (or `npm start` in the project)'
export const NOT_RUNNING = `The helper is not running. Start it with ${HELPER_START}.`
export const TOKEN_REFUSED = 'The helper refused the pairing token. Copy it again from the helper\'s window.'
/**
 * Chrome's Local Network Access (platform-facts H7): a page on a public site (Figma in Chrome,
 * Photopea) may reach loopback only with the designer's permission, and a blocked request fails
 * exactly as a helper that is not running does. The permission's own state tells them apart.
 */
export const LOCAL_NETWORK_BLOCKED = 'The browser is blocking this site from reaching apps on this computer, so the panel cannot reach the helper: allow the site to reach devices on your local network (click the icon left of the address, then Local network access or Apps on device) and press Retry.'

/** The state of the browser's local-network permission for this page; 'unknown' where it has none. */
export type LocalNetworkAccess = 'granted' | 'denied' | 'prompt' | 'unknown'
export type LocalNetworkProbe = () => Promise<LocalNetworkAccess>

// Chrome 142 named the permission local-network-access; Chrome 145 split it, and loopback-network
// ("Apps on device") is the one a helper on this computer needs. An unknown name throws.
const PERMISSION_NAMES = ['loopback-network', 'local-network-access']

/** The page's own local-network permission, asked through navigator.permissions. */
export const browserLocalNetworkAccess: LocalNetworkProbe = async () => {
  // Typed here: this file is shared with Node tests, which have no DOM types (nor permissions).
  const permissions = (globalThis as { navigator?: { permissions?: { query(d: { name: string }): Promise<{ state: LocalNetworkAccess }> } } }).navigator?.permissions
  if (permissions === undefined) return 'unknown'
  for (const name of PERMISSION_NAMES) {
    try {
      return (await permissions.query({ name })).state
    } catch {
      // Not a permission this browser knows: try the older name.
    }
  }
  return 'unknown'
}

/** The part of fetch the probe uses (the browser's, or Node's in tests). */
export type FetchLike = (url: string, init: { method: 'POST'; body: string; cache: 'no-store'; signal?: AbortSignal }) => Promise<{ status: number }>

export interface Diagnosis {
  message: string
  /** False when trying again cannot help until the designer changes something (token, address). */
  retry: boolean
}

/** The helper's HTTP address for a ws:// or wss:// one: same host and port. */
export function pairingUrl(wsUrl: string): string {
  const url = new URL(wsUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  url.pathname = '/pair'
  url.search = ''
  url.hash = ''
  return url.href
}

const PROBE_TIMEOUT_MS = 5000

export async function diagnoseRefusalAsync(wsUrl: string, token: string, fetch: FetchLike, localNetwork: LocalNetworkProbe = async () => 'unknown'): Promise<Diagnosis> {
  let probe: string
  try {
    probe = pairingUrl(wsUrl)
  } catch {
    return { message: `The Helper address ${wsUrl} is not valid. Correct it under Advanced.`, retry: false }
  }
  const origin = new URL(probe).host
  let status: number
  try {
    // The token goes as a text/plain body: a simple request (no preflight), never in a URL.
    status = (await fetch(probe, { method: 'POST', body: token, cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).status
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { message: `Something at ${origin} accepts connections but does not answer. Restart the helper, or check the Helper address under Advanced.`, retry: true }
    }
    // The browser refused to ask (H7): trying again cannot help until the designer allows it.
    if (await localNetwork() === 'denied') return { message: LOCAL_NETWORK_BLOCKED, retry: false }
    // Nothing listens there (connection refused): the usual case, and the only other one a fetch
    // rejects for when the address is allowed by the plugin's networkAccess.
    return { message: NOT_RUNNING, retry: true }
  }
  switch (status) {
    case 204: return { message: 'The helper is running but dropped the connection.', retry: true }
    case 401: return { message: TOKEN_REFUSED, retry: false }
    case 403: return { message: `The helper at ${origin} does not accept connections from this page.`, retry: false }
    case 503: return { message: 'The helper is busy: it already serves as many panels as it allows. Close another panel with Style Transfer open.', retry: true }
    default: return { message: `Something other than this version of the helper answers at ${origin} (HTTP ${status}). Check the Helper address under Advanced, or update the helper.`, retry: false }
  }
}
