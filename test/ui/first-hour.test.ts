// A designer's first hour, in real headless Chromium on wasm: a run promised over three minutes is
// said before it starts, with the faster ways offered; Escape stops a run; banners of an earlier run
// go when the scene changes; a stopped run's speed makes the next promise; Advanced stays as left.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ARTIFACTS, type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

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

const QUICK = { backend: 'wasm', size: 32, quality: 'custom', steps: 1 }
const LONG = { backend: 'wasm', size: 48, quality: 'custom', steps: 400 }

/** Starts a long run and waits until it has made at least five steps (so a speed can be measured). */
async function startLongRunAsync(pg: Playground): Promise<void> {
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('status').filter({ hasText: /step ([5-9]|\d\d+) of 400/ }).waitFor({ timeout: 60_000 })
}

async function selectAsync(pg: Playground, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await pg.page.locator('#layers').getByRole('button', { name, exact: true }).click(i === 0 ? {} : { modifiers: ['Shift'] })
  }
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: names[0]! }).waitFor()
}

test('Escape during a run stops it and places the current image, as Stop and place does', async () => {
  const pg = await openPlaygroundAsync(session, LONG)
  await startLongRunAsync(pg)
  await pg.page.keyboard.press('Escape')
  const done = pg.panel.getByTestId('done')
  await done.waitFor({ timeout: 60_000 })
  assert.match(await done.innerText(), /Stopped early after \d+ iterations; placed the current image \(48×32 px\)/)
  assert.equal((await pg.layers()).length, 3)
  assert.deepEqual(pg.errors, [])
})

test('a stopped run\'s measured speed makes the next promise', async () => {
  const pg = await openPlaygroundAsync(session, LONG)
  const expected = pg.panel.getByTestId('expected-time')
  assert.equal(await expected.innerText(), 'Time shown after the first run.')
  await startLongRunAsync(pg)
  await pg.panel.getByRole('button', { name: 'Stop and place' }).click()
  await pg.panel.getByTestId('done').waitFor({ timeout: 60_000 })
  await pg.page.waitForFunction('playground.settings().speed !== null', undefined, { timeout: 10_000 })
  const speed = (await pg.page.evaluate('playground.settings()') as { speed: { backend: string; msPerPixelIteration: number } }).speed
  assert.equal(speed.backend, 'wasm')
  assert.ok(speed.msPerPixelIteration > 0)
  assert.match(await expected.innerText(), /^Expected about \d+ (min \d+ )?s \(±50%\) on CPU \(WebAssembly\)\.$/)
})

test('the banner of an earlier run stays through its own placement and goes when a setting or the selection changes', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  await transferAsync(pg, 120_000)
  const done = pg.panel.getByTestId('done')
  assert.match(await done.innerText(), /^Placed a 32×21 px result/)
  // The placement selected the result: the panel shows it, and the banner about that run stays.
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: 'Landscape × Brush strokes' }).waitFor({ timeout: 10_000 })
  assert.equal(await done.count(), 1)
  await pg.panel.getByLabel('Quality').selectOption('draft')
  await done.waitFor({ state: 'detached', timeout: 10_000 })

  await selectAsync(pg, ['Landscape', 'Brush strokes'])
  await pg.panel.getByLabel('Quality').selectOption('custom')
  await transferAsync(pg, 120_000)
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: 'Landscape × Brush strokes' }).waitFor({ timeout: 10_000 })
  assert.equal(await done.count(), 1)
  await selectAsync(pg, ['Landscape', 'Brush strokes'])
  await done.waitFor({ state: 'detached', timeout: 10_000 })

  // Cancelled: the note goes with the next change too.
  await pg.panel.locator('#size').fill('48')
  await pg.panel.getByLabel('Quality').selectOption('custom')
  await pg.panel.locator('#steps').fill('400')
  await pg.panel.locator('#steps').press('Tab')
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByRole('button', { name: 'Cancel' }).click()
  const note = pg.panel.getByTestId('note')
  await note.waitFor({ timeout: 60_000 })
  await pg.panel.getByLabel('Quality').selectOption('draft')
  await note.waitFor({ state: 'detached', timeout: 10_000 })
  assert.deepEqual(pg.errors, [])
})

test('Advanced stays open or closed as the designer left it, through a run and a reopened panel', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  const details = pg.panel.locator('details', { has: pg.panel.locator('summary', { hasText: 'Advanced' }) })
  const isOpen = (): Promise<boolean> => details.evaluate((d) => (d as HTMLDetailsElement).open)
  assert.equal(await isOpen(), false)
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.page.waitForFunction('playground.settings().advancedOpen === true', undefined, { timeout: 10_000 })
  await transferAsync(pg, 120_000)
  assert.match(await pg.panel.getByTestId('done').innerText(), /^Placed a/)
  assert.equal(await isOpen(), true, 'open after the run')
  // Remembered with the settings: a reopened panel has it open.
  await pg.page.evaluate(`document.getElementById('panel').src = 'ui.html?reopened'`)
  await pg.page.waitForFunction(`[...document.querySelectorAll('iframe')].some((f) => f.contentWindow?.location.href.endsWith('ui.html?reopened'))`)
  await pg.panel.getByRole('button', { name: 'Transfer style' }).waitFor()
  await pg.panel.locator('summary', { hasText: 'Advanced' }).waitFor()
  await pg.page.waitForFunction(`document.getElementById('panel').contentDocument?.querySelector('details')?.open === true`, undefined, { timeout: 10_000 })
  // Closed, it stays closed through the next run.
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.page.waitForFunction('playground.settings().advancedOpen === false', undefined, { timeout: 10_000 })
  await selectAsync(pg, ['Landscape', 'Brush strokes'])
  await transferAsync(pg, 120_000)
  assert.equal(await isOpen(), false, 'closed after the run')
  assert.deepEqual(pg.errors, [])
})
