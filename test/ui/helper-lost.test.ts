// The helper goes away mid-job (here: it shuts down, as when the user quits it or the computer
// sleeps). The panel must go on locally from the helper's last preview and place a result, saying
// what happened. WebGL and WebGPU are hidden in this browser so the local fallback is the
// wasm backend (the others would take minutes on SwiftShader); the local weights come from the
// test's static server, since the helper that normally serves them is gone.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { startServer, TOKEN } from '../helper-server/support.js'
import { ARTIFACTS, type Session, openPlaygroundAsync, startSession } from './support/browser.js'

let session: Session
let helper: HelperServer
let helperClosed: Promise<void> | null = null
before(async () => {
  session = await startSession()
  // The shared launch flags enable WebGPU and SwiftShader WebGL (launch flags alone did not turn
  // them off): hide both from every frame of this browser, as on a machine without a GPU.
  await session.context.addInitScript(`(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined })
    for (const C of [HTMLCanvasElement, typeof OffscreenCanvas === 'undefined' ? null : OffscreenCanvas]) {
      if (C === null) continue
      const get = C.prototype.getContext
      C.prototype.getContext = function (kind, ...rest) { return /webgl/.test(kind) ? null : get.call(this, kind, ...rest) }
    }
  })()`)
  helper = await startServer()
})
after(async () => {
  await session?.close()
  await (helperClosed ?? helper?.close())
})

test('the helper quitting mid-job: the panel continues here from its last preview and places the result', async (t) => {
  const pg = await openPlaygroundAsync({ ...session, origin: `${helper.url}/playground` }, {
    helperUrl: helper.wsUrl, weightsUrl: `${session.origin}/weights/`, backend: 'helper', size: 32, quality: 'custom', steps: 60
  })
  await pg.panel.locator('summary', { hasText: 'Advanced' }).click()
  await pg.panel.locator('#helper-token').fill(TOKEN)
  await pg.panel.getByRole('button', { name: 'Pair' }).click()
  await pg.panel.locator('[data-testid="helper-status"][data-state="paired"]').waitFor({ timeout: 20_000 })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('preview').waitFor({ timeout: 60_000 })
  assert.match(await pg.panel.getByTestId('backend').innerText(), /Running on Helper \(wasm on /)

  helperClosed = helper.close()
  const line = pg.panel.getByTestId('backend').filter({ hasText: /went away/ })
  await line.waitFor({ timeout: 30_000 })
  const said = await line.innerText()
  t.diagnostic(said)
  assert.match(said, /the helper went away during the job; continuing here from its last preview/)
  assert.equal(await pg.panel.getByTestId('backend').getAttribute('data-backend'), 'wasm')
  await pg.page.screenshot({ path: `${ARTIFACTS}/helper-lost-continuing.png` })

  const done = pg.panel.getByTestId('done')
  await done.waitFor({ timeout: 180_000 })
  t.diagnostic(await done.innerText())
  assert.match(await done.innerText(), /Placed a 32×21 px result/)
  const layers = await pg.layers() as Array<{ name: string }>
  assert.equal(layers.length, 3)
  assert.equal(layers[2]!.name, 'Landscape × Brush strokes')
  await pg.page.screenshot({ path: `${ARTIFACTS}/helper-lost-done.png` })
  assert.deepEqual(pg.errors, [])
})
