// Every engine feature runs on the helper, from the panel: "Keep content colours", two style
// layers and the L-BFGS optimiser (Advanced > Optimiser) each run once on a real helper (wasm, in
// this process) and once in the panel's own engine (tfjs wasm in Chromium) with the same settings
// and seed, and the two placed results are compared pixel by pixel. The helper's job options are
// the engine's (models/style-transfer/options.ts), so nothing is dropped or routed away on the way.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PNG } from 'pngjs'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { startServer, TOKEN } from '../helper-server/support.js'
import { type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

// The same engine on two builds of tfjs wasm (Node's and Chromium's, the helper's with its conv
// input-gradient rewrite), after a PNG round trip each way. Measured on these jobs (32 px, 4
// steps, seed 7): identical, 0 of 2016 channels differ in each (see the diagnostics). The bound
// leaves one 8-bit level for a float difference that rounds the other way, and no more.
const MAX_DIFF = 1
const MEAN_DIFF = 0.01
/** The feature itself must change the picture by far more than that, or the comparison proves nothing. */
const FEATURE_MEAN_DIFF = 1

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
  openPlaygroundAsync({ ...session, origin: `${helper.url}/playground` }, {
    helperUrl: helper.wsUrl, helperToken: TOKEN, backend: 'helper', size: 32, quality: 'custom', steps: 4, seed: 7, strength: 1, ...query
  })

/** Selects these layers, the first as content. */
async function selectAsync(pg: Playground, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await pg.page.locator('#layers').getByRole('button', { name, exact: true }).click(i === 0 ? {} : { modifiers: ['Shift'] })
  }
  await pg.panel.getByTestId('layer-content').locator('.layer-name', { hasText: names[0]! }).waitFor()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
}

/** Opens the Advanced section unless it is open already (a click would close it). */
async function openAdvancedAsync(pg: Playground): Promise<void> {
  const details = pg.panel.locator('details', { has: pg.panel.locator('summary', { hasText: 'Advanced' }) })
  if (await details.getAttribute('open') === null) await details.locator('summary').click()
}

interface Placed { backend: string | null; recipe: { seed: number; settings: Record<string, unknown> }; width: number; height: number; rgba: number[] }

/** Runs the selection and returns the placed layer's pixels and where it ran. */
async function runAsync(pg: Playground, inputs: string[]): Promise<Placed> {
  const known = new Set((await pg.layers()).map((l) => l.id))
  await selectAsync(pg, inputs)
  await transferAsync(pg, 120_000)
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  const backend = await pg.panel.getByTestId('done').getByTestId('backend').getAttribute('data-backend')
  const added = (await pg.layers()).find((l) => !known.has(l.id))
  assert.ok(added !== undefined, 'a result layer was placed')
  const size = await pg.page.evaluate(`playground.imageSize(${JSON.stringify(added.id)})`) as { width: number; height: number }
  const rgba = await pg.page.evaluate(`playground.pixels(${JSON.stringify(added.id)}, 0, 0, ${size.width}, ${size.height})`) as number[]
  return { backend, recipe: JSON.parse(added.recipe ?? '{}'), ...size, rgba }
}

/** The same job on the helper, then in the panel (CPU (WebAssembly)); both results. */
async function bothAsync(pg: Playground, inputs: string[]): Promise<{ helper: Placed; local: Placed }> {
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ state: 'attached', timeout: 20_000 })
  const onHelper = await runAsync(pg, inputs)
  await openAdvancedAsync(pg)
  await pg.panel.locator('#backend').selectOption({ label: 'CPU (WebAssembly)' })
  await pg.page.waitForFunction('playground.settings().backend === "wasm"', undefined, { timeout: 10_000 })
  const local = await runAsync(pg, inputs)
  return { helper: onHelper, local }
}

/** The same inputs on the helper with the feature turned back off (`undo`), for the contrast. */
async function withoutAsync(pg: Playground, inputs: string[], undo: () => Promise<void>): Promise<Placed> {
  await openAdvancedAsync(pg)
  await pg.panel.locator('#backend').selectOption({ label: 'Helper app' })
  await pg.page.waitForFunction('playground.settings().backend === "helper"', undefined, { timeout: 10_000 })
  await undo()
  const r = await runAsync(pg, inputs)
  assert.equal(r.backend, 'helper')
  return r
}

function meanDiff(a: Placed, b: Placed): number {
  let sum = 0
  for (let i = 0; i < a.rgba.length; i++) if (i % 4 !== 3) sum += Math.abs(a.rgba[i]! - b.rgba[i]!)
  return sum / (a.rgba.length * 0.75)
}

function contrast(t: { diagnostic(s: string): void }, what: string, on: Placed, off: Placed): void {
  const d = meanDiff(on, off)
  t.diagnostic(`${what}: the feature changes the helper's result by ${d.toFixed(2)}/255 on average`)
  assert.ok(d > FEATURE_MEAN_DIFF, `${what} changed the helper's result by only ${d}`)
}

function compare(t: { diagnostic(s: string): void }, what: string, r: { helper: Placed; local: Placed }): void {
  assert.equal(r.helper.backend, 'helper', `${what}: the first run went to the helper`)
  assert.equal(r.local.backend, 'wasm', `${what}: the second ran in the panel`)
  assert.equal(r.helper.recipe.seed, 7)
  assert.equal(r.local.recipe.seed, 7)
  assert.deepEqual([r.helper.width, r.helper.height], [r.local.width, r.local.height])
  let max = 0
  let sum = 0
  let n = 0
  let differ = 0
  for (let i = 0; i < r.helper.rgba.length; i++) {
    if (i % 4 === 3) continue
    const d = Math.abs(r.helper.rgba[i]! - r.local.rgba[i]!)
    max = Math.max(max, d)
    sum += d
    n++
    if (d > 0) differ++
  }
  t.diagnostic(`${what}: ${r.helper.width}x${r.helper.height}, largest channel difference ${max}/255, mean ${(sum / n).toFixed(4)}, ${differ} of ${n} channels differ`)
  assert.ok(max <= MAX_DIFF, `${what}: largest difference ${max} > ${MAX_DIFF}`)
  assert.ok(sum / n <= MEAN_DIFF, `${what}: mean difference ${sum / n} > ${MEAN_DIFF}`)
}

test('"Keep content colours" runs on the helper and gives the panel\'s pixels', async (t) => {
  const pg = await open({})
  await pg.panel.getByLabel('Colour').selectOption({ label: 'Keep content colours' })
  await pg.page.waitForFunction('playground.settings().color === "preserve"', undefined, { timeout: 10_000 })
  const r = await bothAsync(pg, ['Landscape', 'Brush strokes'])
  assert.equal(r.helper.recipe.settings['color'], 'preserve')
  compare(t, 'keep content colours', r)
  contrast(t, 'keep content colours', r.helper, await withoutAsync(pg, ['Landscape', 'Brush strokes'], async () => {
    await pg.panel.getByLabel('Colour').selectOption({ label: 'Off' })
    await pg.page.waitForFunction('playground.settings().color === "off"', undefined, { timeout: 10_000 })
  }))
  assert.deepEqual(pg.errors, [])
})

test('two style layers run on the helper and give the panel\'s pixels', async (t) => {
  const pg = await open({})
  const png = new PNG({ width: 40, height: 40 })
  for (let i = 0; i < 40 * 40; i++) png.data.set([(i % 40) * 6, 40, 200 - (i % 7) * 20, 255], i * 4)
  await pg.page.locator('#add-file').setInputFiles({ name: 'stripes.png', mimeType: 'image/png', buffer: PNG.sync.write(png) })
  await pg.page.locator('#layers button', { hasText: 'stripes.png' }).waitFor()
  const r = await bothAsync(pg, ['Landscape', 'Brush strokes', 'stripes.png'])
  compare(t, 'two styles', r)
  contrast(t, 'the second style', r.helper, await withoutAsync(pg, ['Landscape', 'Brush strokes'], async () => undefined))
  assert.deepEqual(pg.errors, [])
})

test('Advanced > Optimiser "L-BFGS" runs on the helper and gives the panel\'s pixels', async (t) => {
  const pg = await open({})
  await openAdvancedAsync(pg)
  await pg.panel.getByLabel('Optimiser').selectOption({ label: 'L-BFGS (the paper\'s)' })
  await pg.page.waitForFunction('playground.settings().optimizer === "lbfgs"', undefined, { timeout: 10_000 })
  const r = await bothAsync(pg, ['Landscape', 'Brush strokes'])
  assert.equal(r.helper.recipe.settings['optimizer'], 'lbfgs')
  compare(t, 'L-BFGS', r)
  contrast(t, 'L-BFGS', r.helper, await withoutAsync(pg, ['Landscape', 'Brush strokes'], async () => {
    await openAdvancedAsync(pg)
    await pg.panel.getByLabel('Optimiser').selectOption({ label: 'Adam (default)' })
    await pg.page.waitForFunction('playground.settings().optimizer === "adam"', undefined, { timeout: 10_000 })
  }))
  assert.deepEqual(pg.errors, [])
})
