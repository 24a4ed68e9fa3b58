// The designer controls in real headless Chromium on wasm, at 32-48 px and a few steps: colour,
// texture scale, smoothness (a before/after grid saved to test-artifacts/controls-grid.png),
// keyboard access and persistence, style weights for several style layers, and the time promise.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PNG } from 'pngjs'
import { ARTIFACTS, type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

const QUICK = { backend: 'wasm', size: 32, quality: 'custom', steps: 3, strength: 1 }
type Rgb = [number, number, number]
let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

/** Transfers and returns the layer that appeared (its id, recipe and mean colour). */
async function runAsync(pg: Playground, inputs = ['Landscape', 'Brush strokes']): Promise<{ id: string; recipe: { seed: number; settings: Record<string, unknown> }; mean: Rgb }> {
  const before = new Set((await pg.layers()).map((l) => l.id))
  await selectAsync(pg, inputs)
  await transferAsync(pg, 120_000)
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  const added = (await pg.layers()).find((l) => !before.has(l.id))
  assert.ok(added !== undefined, 'a result layer was placed')
  const mean = await pg.page.evaluate(`playground.meanColour(${JSON.stringify(added.id)})`) as Rgb
  return { id: added.id, recipe: JSON.parse(added.recipe ?? '{}'), mean }
}

/** Selects these layers, the first as content (a placed result takes the selection over). */
async function selectAsync(pg: Playground, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await pg.page.locator('#layers').getByRole('button', { name, exact: true }).click(i === 0 ? {} : { modifiers: ['Shift'] })
  }
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: names[0]! }).waitFor()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
}

const distance = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])
const idOf = async (pg: Playground, name: string): Promise<string> => (await pg.layers()).find((l) => l.name === name)!.id

test('Colour "Keep content colours" keeps the mean colour nearer the content than "Off"; grid of every control', async (t) => {
  const pg = await openPlaygroundAsync(session, { ...QUICK, size: 48 })
  const contentId = await idOf(pg, 'Landscape')
  const content = await pg.page.evaluate(`playground.meanColour(${JSON.stringify(contentId)})`) as Rgb
  const colour = pg.panel.getByLabel('Colour')
  const rows: { label: string; id: string }[] = []
  const results: Record<string, Rgb> = {}
  for (const [mode, label] of [['off', 'Off'], ['preserve', 'Keep content colours'], ['match', 'Match palette']] as const) {
    await colour.selectOption({ label })
    const r = await runAsync(pg)
    assert.equal(r.recipe.settings['color'], mode)
    results[mode] = r.mean
    rows.push({ label: `Colour: ${label}`, id: r.id })
  }
  const off = distance(results['off']!, content)
  const keep = distance(results['preserve']!, content)
  t.diagnostic(`mean colour distance to the content: off ${off.toFixed(1)}, keep ${keep.toFixed(1)}, match ${distance(results['match']!, content).toFixed(1)}`)
  assert.ok(keep < off * 0.75, `keep (${keep.toFixed(1)}) should be well below off (${off.toFixed(1)})`)
  await colour.selectOption({ label: 'Off' })

  // Texture scale and smoothness at their ends, set through the sliders' keyboard (End / Home).
  for (const [name, key, label] of [['Texture scale', 'Home', 'Texture scale ×0.25'], ['Texture scale', 'End', 'Texture scale ×2'], ['Smoothness', 'Home', 'Smoothness off'], ['Smoothness', 'End', 'Smoothness strongest'], ['Keep details', 'Home', 'Keep details off'], ['Keep details', 'End', 'Keep details strongest']] as const) {
    await pg.panel.getByLabel(name).focus()
    await pg.panel.getByLabel(name).press(key)
    const r = await runAsync(pg)
    rows.push({ label, id: r.id })
  }
  await pg.page.waitForFunction('playground.settings().styleScale === 2 && playground.settings().smoothness === 1 && playground.settings().details === 1', undefined, { timeout: 10_000 }).catch(() => undefined)
  const settings = await pg.page.evaluate('playground.settings()') as { styleScale: number; smoothness: number; details: number }
  assert.deepEqual([settings.styleScale, settings.smoothness, settings.details], [2, 1, 1], 'slider changes are saved with the settings')
  assert.equal(await pg.panel.getByLabel('Keep details').getAttribute('aria-valuetext'), 'Strongest')
  await saveGridAsync(pg, await idOf(pg, 'Landscape'), await idOf(pg, 'Brush strokes'), rows)
  assert.deepEqual(pg.errors, [])
})

test('controls are labelled, keyboard reachable and saved; several styles get one weight each', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  assert.equal(await pg.panel.getByTestId('style-weights').count(), 0, 'no weights for a single style')
  // Tab order reaches the new controls.
  await pg.panel.getByLabel('Quality').focus()
  const reached = new Set<string>()
  for (let i = 0; i < 7; i++) {
    await pg.page.keyboard.press('Tab')
    reached.add(await pg.panel.locator('body').evaluate(() => document.activeElement?.id ?? ''))
  }
  for (const id of ['color', 'style-scale', 'smoothness', 'details']) assert.ok(reached.has(id), `Tab reaches #${id}`)
  await pg.panel.getByLabel('Texture scale').press('ArrowRight')
  // Saving goes through a message to the (simulated) sandbox: wait for it rather than race it.
  await pg.page.waitForFunction('playground.settings().styleScale === 1.05', undefined, { timeout: 10_000 })
  assert.equal((await pg.page.evaluate('playground.settings()') as { styleScale: number }).styleScale, 1.05)

  // A second style layer: a PNG drawn here, shift-added to the selection.
  const png = new PNG({ width: 40, height: 40 })
  for (let i = 0; i < 40 * 40; i++) png.data.set([(i % 40) * 6, 40, 200 - (i % 7) * 20, 255], i * 4)
  await pg.page.locator('#add-file').setInputFiles({ name: 'stripes.png', mimeType: 'image/png', buffer: PNG.sync.write(png) })
  await pg.page.locator('#layers button', { hasText: 'stripes.png' }).waitFor()
  await selectAsync(pg, ['Landscape', 'Brush strokes', 'stripes.png'])
  const weights = pg.panel.getByTestId('style-weights')
  await weights.waitFor()
  const sliders = weights.getByRole('slider')
  assert.equal(await sliders.count(), 2)
  await sliders.nth(1).press('Home')
  const r = await runAsync(pg, ['Landscape', 'Brush strokes', 'stripes.png'])
  assert.deepEqual(r.recipe.settings['styleWeights'], [1, 0])
})

test('the expected time appears after one run, then the promise is compared with the run', async (t) => {
  const pg = await openPlaygroundAsync(session, QUICK)
  const expected = pg.panel.getByTestId('expected-time')
  assert.equal(await expected.innerText(), 'Time shown after the first run.')
  await runAsync(pg)
  assert.match(await pg.panel.getByTestId('promise-result').innerText(), /^Took \d+ s \(no promise yet/)
  assert.match(await expected.innerText(), /^Expected about \d+ s \(±50%\) on CPU \(WebAssembly\)\.$/)
  await pg.page.waitForFunction('playground.settings().speed !== null', undefined, { timeout: 10_000 })
  const speed = (await pg.page.evaluate('playground.settings()') as { speed: { backend: string; msPerPixelIteration: number } }).speed
  assert.equal(speed.backend, 'wasm')
  await pg.panel.getByLabel('Quality').selectOption('draft')
  t.diagnostic(`${(speed.msPerPixelIteration * 1000).toFixed(2)} µs per pixel-iteration; draft: ${await expected.innerText()}`)
  await pg.panel.getByLabel('Quality').selectOption('custom')
  await runAsync(pg)
  assert.match(await pg.panel.getByTestId('promise-result').innerText(), /^Promised \d+ s, took \d+ s\.$/)
  await pg.page.screenshot({ path: `${ARTIFACTS}/promise.png` })
})

/** content | style | result, one row per control setting, as one screenshot. */
async function saveGridAsync(pg: Playground, contentId: string, styleId: string, rows: { label: string; id: string }[]): Promise<void> {
  const url = async (id: string): Promise<string> => await pg.page.evaluate(`playground.pngOf(${JSON.stringify(id)})`) as string
  const [content, style] = [await url(contentId), await url(styleId)]
  const cells = await Promise.all(rows.map(async (r) => `<tr><th>${r.label}</th><td><img src="${content}"></td><td><img src="${style}"></td><td><img src="${await url(r.id)}"></td></tr>`))
  const page = await session.context.newPage()
  await page.setContent(`<style>body{font:13px sans-serif;margin:8px}img{width:192px;image-rendering:pixelated}th{text-align:left;padding-right:12px}</style>
    <table><tr><th></th><th>Content</th><th>Style</th><th>Result</th></tr>${cells.join('')}</table>`)
  await page.screenshot({ path: `${ARTIFACTS}/controls-grid.png`, fullPage: true })
  await page.close()
}

test('Output size: 99999 says the range and becomes 16384; a size above the content layer\'s own warns that it enlarges', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  await selectAsync(pg, ['Landscape', 'Brush strokes'])
  const field = pg.panel.locator('#size')
  const note = pg.panel.getByTestId('size-note')
  assert.equal(await note.count(), 0, '32 px is below the content layer\'s own size: nothing to say')
  await field.fill('99999')
  await field.press('Tab')
  await pg.page.waitForFunction('playground.settings().size === 16384', undefined, { timeout: 10_000 })
  assert.equal(await field.inputValue(), '16384')
  assert.match(await note.innerText(), /^Output sizes go from 16 to 16384 px, so 99999 px became 16384 px\. “Landscape” is 240 px on its long side: 16384 px enlarges it 68\.3×, past the 4× Figma renders, so the result will look soft\.$/)
  await field.fill('200')
  await field.press('Tab')
  await pg.page.waitForFunction('playground.settings().size === 200', undefined, { timeout: 10_000 })
  assert.equal(await note.count(), 0)
})
