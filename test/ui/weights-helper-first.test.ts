// Which address the panel loads the weights from when none is typed: the paired helper's first (on
// this computer, no internet), the public package when the helper goes away mid-job. The package's
// CDN is played by a local server at the same path (support/cdn.ts). WebGL and WebGPU are hidden,
// as in helper-lost.test.ts, so a run in the panel is on wasm (SwiftShader would take minutes).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { packWeightsAsync } from '../../ui/build/pack-weights.js'
import { DEFAULT_WEIGHTS_URL } from '../../ui/weights.js'
import { startServer, TOKEN } from '../helper-server/support.js'
import { type Playground, type Session, openPlaygroundAsync, startSession } from './support/browser.js'
import { type LocalCdn, routeCdnAsync, startLocalCdnAsync } from './support/cdn.js'

const SHARED_WEIGHTS = fileURLToPath(new URL('../../../shared/models/vgg19/', import.meta.url))
const shardsAt = (base: string): string[] => VGG19_MANIFEST.shards.map((s) => `${base}${s.path}`)

let tmp: string
let cdn: LocalCdn
let session: Session
let helper: HelperServer
let helperClosed: Promise<void> | null = null
let requests: { asked: string[]; elsewhere: string[] }
/** Shard requests to the helper, recorded from the browser's side. */
const fromHelper: string[] = []

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'stylecraft-helper-first-'))
  cdn = await startLocalCdnAsync(await packWeightsAsync({ from: SHARED_WEIGHTS, out: join(tmp, 'pkg') }))
  session = await startSession()
  await session.context.addInitScript(`(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined })
    for (const C of [HTMLCanvasElement, typeof OffscreenCanvas === 'undefined' ? null : OffscreenCanvas]) {
      if (C === null) continue
      const get = C.prototype.getContext
      C.prototype.getContext = function (kind, ...rest) { return /webgl/.test(kind) ? null : get.call(this, kind, ...rest) }
    }
  })()`)
  helper = await startServer()
  requests = await routeCdnAsync(session.context, cdn, [session.origin, helper.url])
  session.context.on('request', (r) => { if (r.url().startsWith(`${helper.url}/weights/`)) fromHelper.push(r.url()) })
})
after(async () => {
  await session?.close()
  await (helperClosed ?? helper?.close())
  await cdn?.close()
  await rm(tmp, { recursive: true, force: true })
})

/** The playground served by the helper, weights address left empty, paired with the token. */
async function openPairedAsync(query: Record<string, string | number>): Promise<Playground> {
  const pg = await openPlaygroundAsync({ ...session, origin: `${helper.url}/playground` }, { helperUrl: helper.wsUrl, weightsUrl: '', ...query })
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.panel.locator('#helper-token').fill(TOKEN)
  await pg.panel.getByRole('button', { name: 'Pair' }).click()
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ timeout: 20_000 })
  return pg
}

test('paired, a small job runs in the panel with the weights from the helper, none from the CDN', { timeout: 240_000 }, async () => {
  const pg = await openPairedAsync({ backend: 'auto', size: 32, quality: 'custom', steps: 1 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('done').or(pg.panel.getByTestId('error')).waitFor({ timeout: 180_000 })
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) assert.fail(await error.innerText())
  assert.equal(await pg.panel.getByTestId('backend').getAttribute('data-backend'), 'wasm')
  // The helper's WebSocket address ws://127.0.0.1:PORT/ws gives http://127.0.0.1:PORT/weights/.
  assert.deepEqual(fromHelper, shardsAt(`${helper.url}/weights/`))
  assert.deepEqual(requests.asked, [])
  assert.deepEqual(requests.elsewhere, [])
  await pg.page.close()
})

test('the helper going away mid-job: the panel goes on with the weights from the public package', { timeout: 300_000 }, async () => {
  fromHelper.length = 0
  const pg = await openPairedAsync({ backend: 'helper', size: 32, quality: 'custom', steps: 60 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('preview').waitFor({ timeout: 60_000 })
  helperClosed = helper.close()
  await pg.panel.getByTestId('done').or(pg.panel.getByTestId('error')).waitFor({ timeout: 240_000 })
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) assert.fail(await error.innerText())
  assert.match(await pg.panel.getByTestId('backend').innerText(), /went away/)
  // The job ran on the helper, so the panel had loaded no weights; now they come from the package.
  assert.deepEqual(fromHelper, [])
  assert.deepEqual(requests.asked, shardsAt(DEFAULT_WEIGHTS_URL))
  assert.deepEqual(requests.elsewhere, [])
})
