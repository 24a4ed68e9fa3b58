// Issue 13's panel case, in real headless Chromium on WebAssembly: a 16384 px run on a 240 px
// layer (the wasm heap cannot hold it) ends, by failure or by Cancel, with the document unchanged,
// and the next small run in the same panel places a result without reloading. Before, every later
// run failed at once with "memory access out of bounds" until the panel was reloaded.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { openPlaygroundAsync, startSession, transferAsync, type Session } from './support/browser.js'

let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

test('after a huge wasm run fails or is cancelled, a small run in the same panel places its result', { timeout: 900_000 }, async (t) => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 16384, quality: 'draft' })
  const panel = pg.panel
  const before = await pg.layers()
  await panel.getByRole('button', { name: 'Transfer style' }).click()
  const startAnyway = panel.getByRole('button', { name: 'Start anyway' })
  const progress = panel.getByTestId('progress-view')
  await startAnyway.or(progress).first().waitFor({ timeout: 60_000 })
  if (await startAnyway.count() > 0) await startAnyway.click()
  const error = panel.getByTestId('error')
  const step = panel.getByTestId('status').filter({ hasText: /step \d+ of/ })
  const t0 = Date.now()
  await error.or(step).first().waitFor({ timeout: 600_000 })
  if (await error.count() > 0) {
    const said = await error.innerText()
    t.diagnostic(`the huge run failed after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${said}`)
    assert.match(said, /ran out of memory for this size .*it has been reset/)
  } else {
    t.diagnostic(`the huge run made a step after ${((Date.now() - t0) / 1000).toFixed(0)} s; cancelled`)
    await panel.getByRole('button', { name: 'Cancel' }).click()
    await panel.getByTestId('note').waitFor({ timeout: 300_000 })
  }
  assert.deepEqual(await pg.layers(), before, 'nothing was added')

  await panel.locator('#size').fill('64')
  await panel.locator('#size').press('Tab')
  await pg.page.waitForFunction('playground.settings().size === 64', undefined, { timeout: 10_000 })
  const secs = await transferAsync(pg, 300_000)
  t.diagnostic(`then a 64 px run placed in ${secs.toFixed(0)} s`)
  assert.equal(await error.count(), 0, await error.count() > 0 ? await error.innerText() : '')
  assert.match(await panel.getByTestId('done').innerText(), /placed/i)
  assert.equal((await pg.layers()).length, before.length + 1)
})
