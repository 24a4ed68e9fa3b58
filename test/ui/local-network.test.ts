// Chrome's Local Network Access (platform-facts H7): a site that may not reach apps on this
// computer sees the helper's address fail exactly as when nothing listens there. The panel asks the
// permission's state and says what to allow instead of "not running": the classifier in Node
// against real refusals, then the panel in real Chromium with the permission denied.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, test } from 'node:test'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import {
  LOCAL_NETWORK_BLOCKED, NOT_RUNNING, TOKEN_REFUSED, browserLocalNetworkAccess, diagnoseRefusalAsync,
  type FetchLike, type LocalNetworkAccess
} from '../../ui/helper-client/diagnose-refusal-async.js'
import { startServer, TOKEN } from '../helper-server/support.js'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession } from './support/browser.js'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address !== 'object') throw new Error('no port')
  return address.port
}

const nodeFetch: FetchLike = (url, init) => globalThis.fetch(url, init)
const answering = (state: LocalNetworkAccess) => async (): Promise<LocalNetworkAccess> => state

let helper: HelperServer
let session: Session
before(async () => {
  helper = await startServer()
  // The playground's own port counts as a public site, so its requests to the helper's port on
  // loopback need the local-network permission, as Figma's or Photopea's pages do in Chrome.
  session = await startSession((port) => [`--ip-address-space-overrides=127.0.0.1:${port}=public`])
})
after(async () => {
  await session?.close()
  await helper?.close()
})

test('a refused probe is "not running" unless the browser says the local-network permission is denied', async () => {
  const closed = `ws://127.0.0.1:${await freePort()}/ws`
  assert.deepEqual(await diagnoseRefusalAsync(closed, TOKEN, nodeFetch), { message: NOT_RUNNING, retry: true }, 'no permission to ask (Node)')
  for (const state of ['granted', 'prompt', 'unknown'] as const) {
    assert.deepEqual(await diagnoseRefusalAsync(closed, TOKEN, nodeFetch, answering(state)), { message: NOT_RUNNING, retry: true }, state)
  }
  // Denied: trying again cannot help until the designer allows it, so the client stops and offers Retry.
  assert.deepEqual(await diagnoseRefusalAsync(closed, TOKEN, nodeFetch, answering('denied')), { message: LOCAL_NETWORK_BLOCKED, retry: false })
  // A probe that reached the helper was allowed, whatever the permission says: its answer counts.
  assert.deepEqual(await diagnoseRefusalAsync(helper.wsUrl, 'wrong-token-0123456789abcdef', nodeFetch, answering('denied')), { message: TOKEN_REFUSED, retry: false })
  // Node has no navigator.permissions: the browser probe says so rather than guessing.
  assert.equal(await browserLocalNetworkAccess(), 'unknown')
})

test('in Chromium, a site denied the local network is told to allow it, not that the helper is not running', async () => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 32, quality: 'custom', steps: 1 })
  const origin = new URL(pg.page.url()).origin
  const cdp = await session.context.newCDPSession(pg.page)
  // What the designer's "Block" on Chrome's prompt leaves behind (both names: Chrome 145 split it).
  const set = async (setting: 'denied' | 'granted'): Promise<void> => {
    for (const name of ['loopback-network', 'local-network', 'local-network-access']) {
      await cdp.send('Browser.setPermission', { origin, permission: { name }, setting }).catch(() => undefined)
    }
  }
  await set('denied')
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.panel.locator('#helper-url').fill(helper.wsUrl)
  await pg.panel.locator('#helper-url').press('Tab')
  await pg.panel.locator('#helper-token').fill(TOKEN)
  await pg.panel.getByRole('button', { name: 'Pair' }).click()
  const status = pg.panel.getByTestId('helper-status')
  await pg.panel.locator('[data-testid="helper-status"][data-state="error"]').waitFor({ timeout: 20_000 })
  assert.equal((await status.locator('.grow').innerText()).trim(), LOCAL_NETWORK_BLOCKED)
  await status.getByRole('button', { name: 'Retry' }).waitFor()
  await pg.page.screenshot({ path: `${ARTIFACTS}/local-network-blocked.png` })

  // Allowed, the same address is reached: whatever the helper answers now, it is not the permission.
  await set('granted')
  await status.getByRole('button', { name: 'Retry' }).click()
  await status.filter({ hasNotText: LOCAL_NETWORK_BLOCKED }).waitFor({ timeout: 20_000 })
  assert.deepEqual(pg.errors, [])
})
