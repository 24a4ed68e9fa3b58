// The release manifest lets the published plugin reach everything its built panel contacts by
// default. Figma enforces networkAccess as the iframe's CSP, and devAllowedDomains only for
// development plugins (platform-facts §1.2 networkAccess), so allowedDomains alone must cover them.
// The panel's helper address code reaches ui/backend.ts, whose .wasm imports need these declarations:
/// <reference path="../../ui/assets.d.ts" />
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { build } from 'esbuild'
import { DEFAULT_SETTINGS } from '../../plugin/settings.js'
import { buildUiHtmlAsync } from '../../ui/build/build-ui.js'
import { helperSocketUrl } from '../../ui/run/run-on-helper-async.js'
import { pairingUrl } from '../../ui/helper-client/diagnose-refusal-async.js'
import { DEFAULT_WEIGHTS_URL, WEIGHTS_PACKAGE, helperWeightsUrl, weightsUrlOf } from '../../ui/weights.js'

interface NetworkAccess { allowedDomains: string[]; reasoning?: string; devAllowedDomains?: string[] }
const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as { networkAccess: NetworkAccess }
const access = manifest.networkAccess

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' }

/**
 * Whether one allowedDomains entry admits a URL, as a CSP source expression does: scheme when
 * given, host (a leading `*.` for any subdomain), the port (no port: the scheme's default), and a
 * path ending in `/` as a prefix.
 */
export function covers(entry: string, address: string): boolean {
  const url = new URL(address)
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry)
  const parsed = new URL(withScheme ? entry.replace('://*.', '://wildcard.') : `${url.protocol}//${entry.replace(/^\*\./, 'wildcard.')}`)
  if (withScheme && parsed.protocol !== url.protocol) return false
  const wildcard = parsed.hostname.startsWith('wildcard.')
  const host = wildcard ? parsed.hostname.slice('wildcard.'.length) : parsed.hostname
  if (wildcard ? !url.hostname.endsWith(`.${host}`) : url.hostname !== host) return false
  if ((parsed.port || DEFAULT_PORT[parsed.protocol]) !== (url.port || DEFAULT_PORT[url.protocol])) return false
  const path = parsed.pathname
  return path === '/' || (path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path)
}

const allowed = (address: string): boolean => access.allowedDomains.some((e) => covers(e, address))

test('covers() follows CSP source matching', () => {
  assert.equal(covers('https://cdn.jsdelivr.net', 'https://cdn.jsdelivr.net/npm/a@1/x.bin'), true)
  assert.equal(covers('https://cdn.jsdelivr.net', 'http://cdn.jsdelivr.net/x'), false, 'scheme')
  assert.equal(covers('https://cdn.jsdelivr.net', 'https://cdn.jsdelivr.net:8443/x'), false, 'no port given: the default only')
  assert.equal(covers('ws://localhost:8787', 'ws://localhost:8787/ws'), true)
  assert.equal(covers('ws://localhost:8787', 'ws://localhost:8788/ws'), false)
  assert.equal(covers('http://localhost:8787', 'ws://localhost:8787/ws'), false, 'http does not admit ws')
  assert.equal(covers('*.example.com', 'https://a.example.com/'), true)
  assert.equal(covers('*.example.com', 'https://example.com/'), false)
  assert.equal(covers('example.com/api/', 'https://example.com/api/v1'), true)
  assert.equal(covers('example.com/api/', 'https://example.com/other'), false)
})

test('allowedDomains name hosts, with reasoning that names each; devAllowedDomains add nothing the defaults need', () => {
  assert.ok(access.allowedDomains.length > 0)
  for (const e of access.allowedDomains) {
    assert.ok(e !== 'none' && e !== '*', `${e}: a released plugin needs real hosts, and not all of them`)
    assert.ok(!/\/\/(\d+\.){3}\d+/.test(e), `${e}: Figma refuses IP literals; use localhost`)
    assert.ok(access.reasoning?.includes(new URL(e).host.replace(/:\d+$/, '')), `the reasoning explains ${e}`)
  }
  for (const e of access.devAllowedDomains ?? []) assert.ok(!access.allowedDomains.includes(e), `${e} is listed twice`)
})

test('every address the panel contacts by default is in allowedDomains', () => {
  const paired = { current: { state: 'paired' } } as unknown as Parameters<typeof weightsUrlOf>[1]
  const defaults = {
    'weights without a helper': weightsUrlOf(DEFAULT_SETTINGS),
    'weights from the paired helper': weightsUrlOf(DEFAULT_SETTINGS, paired),
    'helper WebSocket': helperSocketUrl(DEFAULT_SETTINGS.helperUrl),
    'helper pairing check': pairingUrl(helperSocketUrl(DEFAULT_SETTINGS.helperUrl))
  }
  assert.deepEqual(defaults, {
    'weights without a helper': 'https://cdn.jsdelivr.net/npm/stylecraft-vgg19@1.0.0/',
    'weights from the paired helper': 'http://localhost:8787/weights/',
    'helper WebSocket': 'ws://localhost:8787/ws',
    'helper pairing check': 'http://localhost:8787/pair'
  })
  for (const [what, address] of Object.entries(defaults)) assert.ok(allowed(address), `${what}: ${address} is not in allowedDomains`)
  assert.equal(helperWeightsUrl('wss://helper.example:9000/ws'), 'https://helper.example:9000/weights/')
  assert.equal(helperWeightsUrl('not a url'), null)
})

/**
 * URLs in the built code that nothing fetches: XML namespaces, links inside error messages and
 * comments of the libraries, the weights' licence and the Keras source (which only the helper's
 * `npm run models` downloads) from the bundled model manifest.
 */
const NOT_CONTACTED = new Set([
  'www.w3.org', 'github.com', 'en.wikipedia.org', 'emscripten.org', 'developer.mozilla.org', 'arxiv.org',
  'www.shadertoy.com', 'www.robots.ox.ac.uk', 'storage.googleapis.com'
])

test('the built panel and sandbox contain no address outside allowedDomains but reference links', async () => {
  const html = await buildUiHtmlAsync()
  const sandbox = (await build({ entryPoints: ['plugin/main.ts'], bundle: true, target: 'es2017', write: false, logLevel: 'silent' })).outputFiles[0]?.text ?? ''
  for (const [name, code] of [['build/ui.html', html], ['build/plugin.js', sandbox]] as const) {
    const addresses = new Set([...code.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<>\\]+/g)].map((m) => m[0]))
    const contacted = [...addresses].filter((a) => !NOT_CONTACTED.has(new URL(a).hostname))
    assert.deepEqual(contacted.filter((a) => !allowed(a)), [], `${name} names addresses outside allowedDomains`)
    if (name === 'build/ui.html') {
      // The defaults really are in the built file (not only in the sources this test imports).
      // (esbuild keeps the template literal: the host and the package name are separate strings)
      assert.ok(html.includes(`${new URL(DEFAULT_WEIGHTS_URL).origin}/npm/`) && html.includes(`"${WEIGHTS_PACKAGE}"`), 'the weights default is built in')
      assert.ok(html.includes('ws://localhost:8787'), 'the helper default is built in')
    }
  }
})
