// The panel with a real helper (wasm engine, tiny jobs) in this process: pair through the Advanced
// section, run a job on the helper, and a wrong token's sentence. The playground is opened from the
// helper's own port (it serves build/playground at /playground/ and the weights at /weights/), so the panel's Origin is one the
// helper accepts without any change to the server's origin list.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { startServer, TOKEN } from '../helper-server/support.js'
import { ARTIFACTS, type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

let session: Session
let helper: HelperServer
before(async () => {
  session = await startSession()
  helper = await startServer()
})
after(async () => {
  await session?.close()
  await helper?.close()
})

const open = (query: Record<string, string | number>): Promise<Playground> =>
  openPlaygroundAsync({ ...session, origin: `${helper.url}/playground` }, { helperUrl: helper.wsUrl, size: 32, quality: 'custom', steps: 1, ...query })

async function pairAsync(pg: Playground, token: string): Promise<void> {
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.panel.locator('#helper-token').fill(token)
  await pg.panel.getByRole('button', { name: 'Pair' }).click()
}

test('pairing in the panel and running a job on the helper places the result', async (t) => {
  const pg = await open({ backend: 'helper' })
  const status = pg.panel.getByTestId('helper-status')
  assert.match((await status.textContent()) ?? '', /Not paired/)
  await pairAsync(pg, TOKEN)
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ timeout: 20_000 })
  assert.match(await status.innerText(), /Paired: wasm on .+\./)
  // Remembered through save-settings, like every other setting.
  assert.equal((await pg.page.evaluate('playground.settings()') as { helperToken: string }).helperToken, TOKEN)
  await pg.page.screenshot({ path: `${ARTIFACTS}/helper-paired.png` })

  await pg.watchPanelAsync()
  const seconds = await transferAsync(pg, 60_000)
  const done = pg.panel.getByTestId('done')
  const text = await done.innerText()
  t.diagnostic(`${seconds.toFixed(1)} s from click to placed: ${text.replace(/\s+/g, ' ')}`)
  assert.match(text, /Placed a 32×21 px result/)
  const line = done.getByTestId('backend')
  assert.equal(await line.getAttribute('data-backend'), 'helper')
  assert.match(await line.innerText(), /Running on Helper \(wasm on .+\): chosen in the settings\./)
  assert.deepEqual(await pg.seenAsync(), { preview: true, step: true })
  const layers = await pg.layers()
  assert.equal(layers.length, 3)
  assert.equal(layers[2]!.name, 'Landscape × Brush strokes')
  assert.deepEqual([layers[2]!.width, layers[2]!.height], [240, 160])
  // The recipe travels with the document: it must not carry the pairing token or the helper's address.
  const recipe = layers[2]!.recipe ?? ''
  assert.match(recipe, /"seed":/)
  assert.ok(!recipe.includes(TOKEN) && !recipe.includes('helperToken') && !recipe.includes('127.0.0.1'), recipe)

  // Reopening the panel connects again with the stored token, without pairing.
  await pg.page.evaluate(`document.getElementById('panel').src = 'ui.html?reopened'`)
  for (let i = 0; i < 100 && !pg.page.frames().some((f) => f.url().endsWith('ui.html?reopened')); i++) await new Promise((r) => setTimeout(r, 50))
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ state: 'attached', timeout: 20_000 })
  assert.deepEqual(pg.errors, [])
})

test('Stop and place on the helper places its last preview', async (t) => {
  const pg = await open({ backend: 'helper', size: 48, steps: 400 })
  await pairAsync(pg, TOKEN)
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ timeout: 20_000 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('status').filter({ hasText: /step \d+ of 400/ }).waitFor({ timeout: 30_000 })
  await pg.panel.getByTestId('preview').waitFor({ timeout: 30_000 })
  assert.match(await pg.panel.getByTestId('backend').innerText(), /Running on Helper \(wasm on /)
  await pg.page.screenshot({ path: `${ARTIFACTS}/helper-running.png` })
  await pg.panel.getByRole('button', { name: 'Stop and place' }).click()
  const done = pg.panel.getByTestId('done')
  await done.waitFor({ timeout: 30_000 })
  t.diagnostic(await done.innerText())
  assert.match(await done.innerText(), /Stopped early after \d+ iterations; placed the current image \(48×32 px\)/)
  assert.equal((await pg.layers()).length, 3)
  assert.deepEqual(pg.errors, [])
})

test('a wrong token says so in a sentence', async () => {
  const pg = await open({ backend: 'helper' })
  await pairAsync(pg, 'wrong-token-0123456789abcdef')
  const status = pg.panel.getByTestId('helper-status').filter({ hasText: /refused the pairing token/ })
  await status.waitFor({ timeout: 20_000 })
  assert.match(await status.innerText(), /^Helper\s+The helper refused the pairing token\. Copy it again from the helper's window\.\s+Retry$/)
  assert.equal(await pg.panel.getByTestId('helper-status').getAttribute('data-state'), 'error')
  await pg.page.screenshot({ path: `${ARTIFACTS}/helper-wrong-token.png` })
  assert.deepEqual(pg.errors, [])
})
