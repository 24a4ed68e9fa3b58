// A designer's first hour, in real headless Chromium on wasm: a run promised over three minutes is
// said before it starts, with the faster ways offered.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession } from './support/browser.js'

let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

// 10 µs per pixel-iteration: Standard at 1024 px on the 240x160 "Landscape" is 69,917,750
// pixel-iterations, 699 s; 512 px is 174.6 s (test/ui/long-run.test.ts has the numbers).
const SLOW = { backend: 'wasm', size: 1024, quality: 'standard', speed: JSON.stringify({ backend: 'wasm', msPerPixelIteration: 0.01 }) }

test('a run promised over 3 minutes says so and does not start; a smaller size is offered; Start anyway starts it', async () => {
  const pg = await openPlaygroundAsync(session, SLOW)
  const before = await pg.layers()
  const panel = pg.panel
  assert.equal(await panel.getByTestId('expected-time').innerText(), 'Expected about 11 min 39 s (±50%) on CPU (WebAssembly).')
  await panel.getByRole('button', { name: 'Transfer style' }).click()
  const notice = panel.getByTestId('long-run')
  await notice.waitFor()
  assert.equal(await panel.getByTestId('long-run-sentence').innerText(),
    'This run is expected to take about 11 min 39 s on CPU (WebAssembly), more than 3 minutes, so it has not started.')
  // Not paired: the helper's start line, in the words the panel uses for a helper not running.
  assert.equal(await panel.getByTestId('long-run-helper').innerText(),
    'The helper app runs it faster: start it with `npx stylecraft-helper` (or `npm start` in the project), then paste the token it prints under Advanced and press Pair.')
  assert.equal(await panel.getByTestId('progress-view').count(), 0, 'nothing started')
  await pg.page.screenshot({ path: `${ARTIFACTS}/long-run.png` })

  await panel.getByRole('button', { name: 'Use 512 px (about 2 min 55 s)' }).click()
  await pg.page.waitForFunction('playground.settings().size === 512', undefined, { timeout: 10_000 })
  assert.equal(await panel.locator('#size').inputValue(), '512')
  assert.equal(await notice.count(), 0, 'the notice was about 1024 px')
  assert.equal(await panel.getByTestId('expected-time').innerText(), 'Expected about 2 min 55 s (±50%) on CPU (WebAssembly).')

  await panel.locator('#size').fill('1024')
  await panel.locator('#size').press('Tab')
  await pg.page.waitForFunction('playground.settings().size === 1024', undefined, { timeout: 10_000 })
  await panel.getByRole('button', { name: 'Transfer style' }).click()
  await panel.getByRole('button', { name: 'Start anyway' }).click()
  await panel.getByTestId('progress-view').waitFor({ timeout: 10_000 })
  await panel.getByRole('button', { name: 'Cancel' }).click()
  await panel.getByTestId('note').waitFor({ timeout: 120_000 })
  assert.equal(await panel.getByTestId('note').innerText(), 'Cancelled. Nothing was added to the document.')
  assert.deepEqual(await pg.layers(), before)
  assert.deepEqual(pg.errors, [])
})
