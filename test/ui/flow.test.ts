// The whole flow in real headless Chromium on the wasm backend (the fastest here): place, stop,
// cancel, a broken image, missing weights. Screenshots of idle, running and done go to
// test-artifacts/.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

const QUICK = { backend: 'wasm', size: 32, quality: 'custom', steps: 1 }
let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

test('Transfer style places a new layer of the right size (wasm), with a recipe', async (t) => {
  const pg = await openPlaygroundAsync(session, QUICK)
  await pg.panel.getByTestId('layer-style').locator('canvas').waitFor()
  await pg.page.screenshot({ path: `${ARTIFACTS}/idle.png` })
  await pg.watchPanelAsync()
  const seconds = await transferAsync(pg, 120_000)
  const done = pg.panel.getByTestId('done')
  assert.match(await done.innerText(), /Placed a 32×21 px result/)
  const backend = await done.getByTestId('backend').getAttribute('data-backend')
  t.diagnostic(`backend ${backend}, ${seconds.toFixed(1)} s from click to placed`)
  assert.equal(backend, 'wasm')
  assert.deepEqual(await pg.seenAsync(), { preview: true, step: true })
  const layers = await pg.layers()
  assert.equal(layers.length, 3)
  const result = layers[2]!
  assert.equal(result.name, 'Landscape × Brush strokes')
  // Same box as the content layer (240×160), directly above it in z-order.
  assert.deepEqual([result.width, result.height], [240, 160])
  assert.equal(layers[1]!.name, 'Landscape')
  assert.equal(JSON.parse(result.recipe ?? '{}').settings.size, 32)
  await pg.page.screenshot({ path: `${ARTIFACTS}/done.png` })
  // One undo step removes exactly the result.
  await pg.page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  assert.equal((await pg.layers()).length, 2)
  assert.deepEqual(pg.errors, [])
})

test('Stop and place keeps the current image', async (t) => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 48, quality: 'custom', steps: 400 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('status').filter({ hasText: /step \d+ of 400/ }).waitFor({ timeout: 60_000 })
  await pg.panel.getByTestId('preview').waitFor({ timeout: 60_000 })
  assert.match(await pg.panel.getByTestId('status').innerText(), /Scale 1 of 1 \(48×32\) · step \d+ of 400 · about .+ left/)
  assert.match(await pg.panel.getByTestId('backend').innerText(), /Running on CPU \(WebAssembly\)/)
  await pg.page.screenshot({ path: `${ARTIFACTS}/running.png` })
  await pg.panel.getByRole('button', { name: 'Stop and place' }).click()
  const done = pg.panel.getByTestId('done')
  await done.waitFor({ timeout: 60_000 })
  t.diagnostic(await done.innerText())
  assert.match(await done.innerText(), /Stopped early after \d+ iterations; placed the current image \(48×32 px\)/)
  assert.equal((await pg.layers()).length, 3)
})

test('Cancel leaves the document unchanged', async () => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 48, quality: 'custom', steps: 400 })
  const before = await pg.layers()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('status').filter({ hasText: /step \d+ of 400/ }).waitFor({ timeout: 60_000 })
  await pg.panel.getByRole('button', { name: 'Cancel' }).click()
  await pg.panel.getByTestId('note').waitFor({ timeout: 60_000 })
  assert.equal(await pg.panel.getByTestId('note').innerText(), 'Cancelled. Nothing was added to the document.')
  assert.deepEqual(await pg.layers(), before)
})

test('a broken image says which layer and what to do', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  await pg.page.locator('#add-file').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') })
  await pg.page.locator('#layers button', { hasText: 'broken.png' }).waitFor()
  await pg.page.locator('#layers button', { hasText: 'Brush strokes' }).click({ modifiers: ['Shift'] })
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: 'broken.png' }).waitFor()
  await transferAsync(pg, 60_000)
  const message = await pg.panel.getByTestId('error').innerText()
  assert.match(message, /The image of “broken\.png” could not be read; it may be damaged\. Replace the image or pick another layer/)
  assert.equal((await pg.layers()).length, 3, 'nothing placed')
})

test('missing weights say where they were looked for and what to do', async () => {
  const pg = await openPlaygroundAsync(session, { ...QUICK, weightsUrl: `${session.origin}/no-weights-here/` })
  await transferAsync(pg, 60_000)
  const message = await pg.panel.getByTestId('error').innerText()
  assert.match(message, /The style model could not be loaded from http:\/\/127\.0\.0\.1:\d+\/no-weights-here\/\. Start the Style Transfer helper/)
  assert.equal((await pg.layers()).length, 2)
})
