// A result wider than Figma's 4096 px image limit, end to end in real headless Chromium on wasm,
// without a 5000 px optimisation: the run is stopped during its first scale (156 px), and the
// engine scales the image it has to the output size (5000 px long side) before returning it. The
// panel then cuts it into tiles (ui/hosts/figma-host.ts), the simulated sandbox checks the cover
// with the sandbox's own rule (plugin/tiles.ts) and pastes them into one layer.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession } from './support/browser.js'

let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

interface Placement { type: string; width: number; height: number; tiles: { x: number; y: number; width: number; height: number }[] }

test('a 5000 px result is sent as two tiles of at most 4096 px and placed as one seamless 5000×3333 image', async (t) => {
  const pg = await openPlaygroundAsync(session, { backend: 'wasm', size: 5000, quality: 'custom', steps: 400, seed: 3 })
  const start = Date.now()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  const status = pg.panel.getByTestId('status')
  // The first scale is 156×104: the schedule halves 5000 px five times, down to at least 128 px.
  await status.filter({ hasText: /Scale 1 of 11 \(156×104\) · step \d+ of 400/ }).waitFor({ timeout: 120_000 })
  t.diagnostic(await status.innerText())
  // A plain mouse click where the button is: Playwright's click() waits for animation frames to
  // check the button is stable and hit, and the page renders rarely between 1 s wasm steps.
  const box = await pg.panel.getByRole('button', { name: 'Stop and place' }).boundingBox()
  assert.ok(box !== null)
  const clickedAt = Date.now()
  await pg.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
  await status.filter({ hasText: /Stopping|Placing/ }).waitFor({ timeout: 60_000 })
  t.diagnostic(`Stop acknowledged after ${((Date.now() - clickedAt) / 1000).toFixed(1)} s`)
  await pg.panel.getByTestId('done').or(pg.panel.getByTestId('error')).waitFor({ timeout: 240_000 })
  const seconds = (Date.now() - start) / 1000
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  const text = await pg.panel.getByTestId('done').innerText()
  t.diagnostic(`${seconds.toFixed(1)} s from click to placed: ${text.replace(/\s+/g, ' ')}`)
  assert.match(text, /Stopped early after \d+ iterations; placed the current image \(5000×3333 px\)/)

  const placements = await pg.page.evaluate('playground.placements()') as Placement[]
  assert.deepEqual(placements, [{
    type: 'place-tiles', width: 5000, height: 3333,
    tiles: [{ x: 0, y: 0, width: 2500, height: 3333 }, { x: 2500, y: 0, width: 2500, height: 3333 }]
  }])
  const layers = await pg.layers()
  assert.equal(layers.length, 3)
  const result = layers[2]!
  assert.equal(result.name, 'Landscape × Brush strokes')
  // The content's box on the page, at the result's full resolution.
  assert.deepEqual([result.width, result.height], [240, 160])
  assert.deepEqual(await pg.page.evaluate(`playground.imageSize(${JSON.stringify(result.id)})`), { width: 5000, height: 3333 })

  // The seam: columns 2496..2503 over the full height, all opaque, and the step across the tile
  // boundary (2499 -> 2500) no larger than the steps beside it (the image is a smooth upscale).
  const band = await pg.page.evaluate(`playground.pixels(${JSON.stringify(result.id)}, 2496, 0, 8, 3333)`) as number[]
  const at = (x: number, y: number, c: number): number => band[(y * 8 + x) * 4 + c]!
  let transparent = 0
  const steps = Array.from({ length: 7 }, () => 0)
  for (let y = 0; y < 3333; y++) {
    for (let x = 0; x < 8; x++) if (at(x, y, 3) !== 255) transparent++
    for (let x = 0; x < 7; x++) for (let c = 0; c < 3; c++) steps[x]! += Math.abs(at(x + 1, y, c) - at(x, y, c)) / (3333 * 3)
  }
  t.diagnostic(`mean |Δ| between neighbouring columns 2496..2503: ${steps.map((s) => s.toFixed(2)).join(' ')} (the tile seam is the 4th)`)
  assert.equal(transparent, 0, 'no gap between the tiles')
  const seam = steps[3]!
  const beside = Math.max(steps[2]!, steps[4]!, 0.5)
  assert.ok(seam <= beside * 2, `the seam step ${seam.toFixed(2)} is like its neighbours' (${beside.toFixed(2)})`)
  await pg.page.screenshot({ path: `${ARTIFACTS}/large-result.png` })
  assert.deepEqual(pg.errors, [])
})
