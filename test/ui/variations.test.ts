// Variations in real headless Chromium on wasm: four small previews with four seeds appear in a
// 2x2 grid; picking one places a full-size result whose recipe has that seed (and the start noise
// the preview had); Cancel stops the previews. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession } from './support/browser.js'
import { VARIATION_NOISE } from '../../ui/run/variation-settings.js'

let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

test('Variations shows four previews; picking one places a result with its seed', async (t) => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 32, quality: 'custom', steps: 2, strength: 1 })
  const start = Date.now()
  await pg.panel.getByRole('button', { name: 'Variations' }).click()
  const grid = pg.panel.getByTestId('variations')
  await grid.getByTestId('variations-status').filter({ hasText: /^Pick a variation/ }).waitFor({ timeout: 120_000 })
  t.diagnostic(`four variations in ${((Date.now() - start) / 1000).toFixed(1)} s`)
  await pg.page.screenshot({ path: `${ARTIFACTS}/variations.png` })
  const cells = grid.getByTestId('variation')
  assert.equal(await cells.count(), 4)
  const seeds = await Promise.all([0, 1, 2, 3].map(async (i) => Number(await cells.nth(i).getAttribute('data-seed'))))
  assert.equal(new Set(seeds).size, 4, 'four different seeds')
  // The seeds matter: the start noise makes the previews differ.
  const pixels = await grid.locator('canvas').evaluateAll((canvases) => canvases.map((c) => (c as HTMLCanvasElement).toDataURL()))
  assert.ok(new Set(pixels).size > 1, 'the previews differ')

  const picked = seeds[2]!
  await grid.getByRole('button', { name: `Use variation 3 (seed ${picked})` }).click()
  await pg.panel.getByTestId('done').or(pg.panel.getByTestId('error')).waitFor({ timeout: 120_000 })
  assert.match(await pg.panel.getByTestId('done').innerText(), /Placed a 32×21 px result/)
  const layers = await pg.layers()
  assert.equal(layers.length, 3)
  const recipe = JSON.parse(layers[2]!.recipe ?? '{}') as { seed: number; settings: { seed: number; initNoise: number; size: number } }
  assert.equal(recipe.seed, picked)
  assert.deepEqual([recipe.settings.seed, recipe.settings.initNoise, recipe.settings.size], [picked, VARIATION_NOISE, 32])
  // The designer's own seed setting is untouched (random each run).
  assert.equal((await pg.page.evaluate('playground.settings()') as { seed: number | null }).seed, null)
  await pg.page.screenshot({ path: `${ARTIFACTS}/variation-picked.png` })
  assert.deepEqual(pg.errors, [])
})

test('Cancel stops the variations and leaves the document unchanged', async () => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 48, quality: 'custom', steps: 400 })
  const before = await pg.layers()
  await pg.panel.getByRole('button', { name: 'Variations' }).click()
  const status = pg.panel.getByTestId('variations-status')
  await status.filter({ hasText: /Variation 1 of 4 · step \d+ of 40/ }).waitFor({ timeout: 60_000 })
  await pg.panel.getByRole('button', { name: 'Cancel' }).click()
  await status.filter({ hasText: /^Cancelled after \d of 4 variations\.$/ }).waitFor({ timeout: 60_000 })
  await pg.panel.getByRole('button', { name: 'Close' }).click()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).waitFor()
  assert.deepEqual(await pg.layers(), before)
})
