// The whole flow in real headless Chromium on the wasm backend (the fastest here): place, re-run
// from a result's recipe, stop, cancel, a broken image, missing weights. Screenshots of idle,
// running and done go to test-artifacts/.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PNG } from 'pngjs'
import { ARTIFACTS, type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

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

/** A layer's pixels (RGBA), read back from the simulated document. */
async function pixelsAsync(pg: Playground, id: string): Promise<PNG> {
  const url = await pg.page.evaluate(`playground.pngOf(${JSON.stringify(id)})`) as string
  return PNG.sync.read(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))
}

/** Clicks Transfer style, expects no error, and returns the layer that appeared. */
async function placeAsync(pg: Playground): Promise<{ id: string; recipe: { seed: number; settings: Record<string, unknown> } }> {
  const before = new Set((await pg.layers()).map((l) => l.id))
  await transferAsync(pg, 120_000)
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  const added = (await pg.layers()).find((l) => !before.has(l.id))
  assert.ok(added !== undefined, 'a result layer was placed')
  return { id: added.id, recipe: JSON.parse(added.recipe ?? '{}') }
}

test('Re-run style transfer from the recipe on a result places the same pixels (wasm)', async (t) => {
  // Start noise makes the (random) seed matter, so the re-run must take the seed from the recipe.
  const pg = await openPlaygroundAsync(session, { ...QUICK, steps: 3, initNoise: 0.1 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
  const first = await placeAsync(pg)
  assert.equal(first.recipe.settings['seed'], null, 'a random seed')
  // Settings changed after the run: the re-run must use the recipe's, not these.
  await pg.panel.getByLabel('Texture scale').press('End')
  await pg.page.waitForFunction('playground.settings().styleScale === 2', undefined, { timeout: 10_000 })

  // The playground's relaunch button beside the result, as Figma's "Re-run style transfer".
  await pg.page.locator('#layers li').filter({ has: pg.page.locator(`button[data-id="${first.id}"]`) })
    .getByRole('button', { name: 'Re-run style transfer' }).click()
  await pg.panel.getByText(`Settings restored from the selected result (seed ${first.recipe.seed}).`).waitFor({ timeout: 30_000 })
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: 'Landscape' }).waitFor()
  assert.deepEqual(new Set(await pg.page.evaluate('playground.selection()') as string[]), new Set((await pg.layers()).filter((l) => l.name === 'Landscape' || l.name === 'Brush strokes').map((l) => l.id)))
  assert.equal(await pg.panel.getByLabel('Texture scale').inputValue(), '1')
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
  const again = await placeAsync(pg)
  assert.equal(again.recipe.seed, first.recipe.seed)
  assert.equal(again.recipe.settings['styleScale'], 1)

  const [a, b] = [await pixelsAsync(pg, first.id), await pixelsAsync(pg, again.id)]
  assert.deepEqual([b.width, b.height], [a.width, a.height])
  const differing = a.data.reduce((n, v, i) => n + (v === b.data[i] ? 0 : 1), 0)
  t.diagnostic(`${a.width}×${a.height} result, seed ${first.recipe.seed}: ${differing} of ${a.data.length} bytes differ after the re-run`)
  // The same backend runs the same operations on the same inputs in the same order: equal bytes.
  assert.equal(differing, 0)

  // Control: another seed with the same settings gives another image, so equality above is the
  // recipe's doing and not an image the seed cannot change.
  await pg.panel.getByLabel('Seed').fill(String((first.recipe.seed + 1) % 0x100000000))
  await pg.panel.getByLabel('Seed').press('Tab')
  await pg.page.locator('#layers').getByRole('button', { name: 'Landscape', exact: true }).click()
  await pg.page.locator('#layers').getByRole('button', { name: 'Brush strokes', exact: true }).click({ modifiers: ['Shift'] })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
  const other = await placeAsync(pg)
  assert.equal(other.recipe.seed, (first.recipe.seed + 1) % 0x100000000)
  const c = await pixelsAsync(pg, other.id)
  assert.notDeepEqual(c.data, a.data)
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
  assert.match(message, /The style model could not be loaded from http:\/\/127\.0\.0\.1:\d+\/no-weights-here\/\. Start the helper on this computer \(`npx stylecraft-helper`\), or enter another Model address under Advanced/)
  assert.equal((await pg.layers()).length, 2)
})
