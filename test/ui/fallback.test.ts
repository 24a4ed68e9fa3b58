// A GPU lost (or out of memory) in the middle of a run, in real headless Chromium: the panel goes
// on with the next backend from the last preview, places a result, and says what it fell back to
// and why; Variations fail with the reason instead of hanging. WebGL (about 20 s of shader
// compilation here) fails over to wasm; WebGPU (about a minute) to WebGL, at 32 px and 2 steps.
//
// The loss is real and comes from outside the panel, so build/ui.html carries no test hook: an
// init script (Playwright runs it in every frame before the page's own scripts) keeps a handle on
// each WebGL context and WebGPU device the page creates, and the test loses them through the
// browser's own APIs (WEBGL_lose_context.loseContext(), GPUDevice.destroy()) at a chosen step.
// It also records every frame drawn into the live preview, to check where the run went on from.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Frame } from 'playwright-core'
import { ARTIFACTS, type Playground, type Session, WEBGPU_ARGS, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

const GPU_HANDLES = `(() => {
  const contexts = []
  for (const C of [globalThis.HTMLCanvasElement, globalThis.OffscreenCanvas]) {
    if (C === undefined) continue
    const getContext = C.prototype.getContext
    C.prototype.getContext = function (type, ...rest) {
      const context = getContext.call(this, type, ...rest)
      if (context !== null && /webgl/.test(type)) contexts.push(context)
      return context
    }
  }
  const devices = []
  if (globalThis.GPUAdapter !== undefined) {
    const requestDevice = GPUAdapter.prototype.requestDevice
    GPUAdapter.prototype.requestDevice = async function (...args) {
      const device = await requestDevice.apply(this, args)
      devices.push(device)
      return device
    }
  }
  // An allocation failure in tfjs's WebGL read path: the next download throws what Chromium
  // throws when a typed array cannot be allocated (once, from when it is armed).
  let failRead = null
  if (globalThis.WebGL2RenderingContext !== undefined) {
    const getBufferSubData = WebGL2RenderingContext.prototype.getBufferSubData
    WebGL2RenderingContext.prototype.getBufferSubData = function (...args) {
      if (failRead !== null) { const message = failRead; failRead = null; throw new RangeError(message) }
      return getBufferSubData.apply(this, args)
    }
  }
  // Every frame the live preview shows, and where in that sequence the GPU was lost.
  const previews = []
  const putImageData = CanvasRenderingContext2D.prototype.putImageData
  CanvasRenderingContext2D.prototype.putImageData = function (image, ...rest) {
    if (this.canvas.dataset.testid === 'preview') previews.push({ width: image.width, height: image.height, data: Array.from(image.data) })
    return putImageData.call(this, image, ...rest)
  }
  globalThis.__gpu = {
    previews,
    lostAt: null,
    loseWebGL() {
      this.lostAt = previews.length
      return contexts.filter((gl) => !gl.isContextLost()).map((gl) => gl.getExtension('WEBGL_lose_context')?.loseContext() ?? 'no extension').length
    },
    failWebGLRead() {
      this.lostAt = previews.length
      failRead = 'Array buffer allocation failed'
      return 1
    },
    loseWebGPU() {
      this.lostAt = previews.length
      for (const device of devices) device.destroy()
      return devices.length
    }
  }
})()`

interface Preview { width: number; height: number; data: number[] }

/** Loses the GPU (or arms the failure) inside the panel, synchronously, as soon as a status line shows `step`. */
async function loseAtAsync(frame: Frame, step: RegExp, how: 'loseWebGL' | 'failWebGLRead' | 'loseWebGPU'): Promise<void> {
  await frame.evaluate(`(() => {
    const observer = new MutationObserver(() => {
      const status = document.querySelector('[data-testid="status"], [data-testid="variations-status"]')
      if (!${step}.test(status?.textContent ?? '')) return
      observer.disconnect()
      window.__lost = window.__gpu.${how}()
    })
    observer.observe(document.body, { subtree: true, childList: true, characterData: true })
  })()`)
}

function panelFrame(pg: Playground): Frame {
  const frame = pg.page.frames().find((f) => f.url().endsWith('/ui.html'))
  if (frame === undefined) throw new Error('panel frame not found')
  return frame
}

/** Mean absolute difference per channel (0..255) of two same-size RGBA images, RGB only. */
function difference(a: Preview, b: Preview): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height])
  let sum = 0
  for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c]! - b.data[i + c]!)
  return sum / (a.width * a.height * 3)
}

/** The content layer as the sandbox exports it at this size (the run's starting image). */
async function contentAtAsync(pg: Playground, width: number, height: number): Promise<Preview> {
  const id = (await pg.layers()).find((l) => l.name === 'Landscape')!.id
  return await pg.page.evaluate(`(async () => {
    const url = await playground.pngOf(${JSON.stringify(id)})
    const bitmap = await createImageBitmap(await (await fetch(url)).blob())
    const canvas = new OffscreenCanvas(${width}, ${height})
    const context = canvas.getContext('2d')
    context.drawImage(bitmap, 0, 0, ${width}, ${height})
    return { width: ${width}, height: ${height}, data: Array.from(context.getImageData(0, 0, ${width}, ${height}).data) }
  })()`) as Preview
}

/** The seconds in "Took 7 s" / "took 1 min 05 s" of the done banner. */
function tookSeconds(text: string): number {
  const m = /[Tt]ook (?:(\d+) min )?(\d+) s/.exec(text)
  assert.ok(m !== null, text)
  return Number(m[1] ?? 0) * 60 + Number(m[2])
}

async function selectInputsAsync(pg: Playground): Promise<void> {
  await pg.page.locator('#layers').getByRole('button', { name: 'Landscape', exact: true }).click()
  await pg.page.locator('#layers').getByRole('button', { name: 'Brush strokes', exact: true }).click({ modifiers: ['Shift'] })
  await pg.panel.getByRole('button', { name: 'Transfer style' }).and(pg.panel.locator(':enabled')).waitFor()
}

let session: Session
before(async () => {
  session = await startSession(WEBGPU_ARGS)
  await session.context.addInitScript(GPU_HANDLES)
})
after(async () => { await session?.close() })

test('a lost WebGL context mid-run falls back to wasm, goes on from the last preview and places; WebGL works again after', async (t) => {
  // 10 steps: previews at steps 5 and 10; the context goes when step 6 is shown, so the last
  // preview is step 5's and the loss hits the reads of step 7.
  const pg = await openPlaygroundAsync(session, { backend: 'webgl', size: 32, quality: 'custom', steps: 10, seed: 7 })
  const frame = panelFrame(pg)
  await loseAtAsync(frame, /step 6 of 10/, 'loseWebGL')
  const seconds = await transferAsync(pg, 240_000)
  await pg.page.screenshot({ path: `${ARTIFACTS}/fallback-webgl-to-wasm.png` })
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  assert.ok(await frame.evaluate('window.__lost') as number >= 1, 'a WebGL context was lost')

  const done = pg.panel.getByTestId('done')
  const text = await done.innerText()
  t.diagnostic(`${seconds.toFixed(1)} s from click to placed: ${text.replace(/\s+/g, ' ')}`)
  assert.match(text, /Placed a 32×21 px result/)
  // "Took" is the whole run, the part on the lost WebGL included, not only the wasm part.
  assert.ok(tookSeconds(text) >= seconds / 2, `took ${tookSeconds(text)} s of ${seconds.toFixed(1)} s`)
  assert.equal(await done.getByTestId('backend').getAttribute('data-backend'), 'wasm')
  assert.match(await done.getByTestId('backend').innerText(),
    /^Running on CPU \(WebAssembly\): WebGL failed \(the WebGL context was lost\); continuing from the last preview\.$/)
  const layers = await pg.layers()
  assert.equal(layers.length, 3)
  assert.equal(layers[2]!.name, 'Landscape × Brush strokes')
  assert.deepEqual([layers[2]!.width, layers[2]!.height], [240, 160])

  // Where it went on from: with the same seed a run started over retraces the first five steps
  // (its step-5 preview matched WebGL's to 0.00 when the fallback was made to start over); going
  // on from WebGL's step 5 it is five steps further from the content (measured 28.1 vs 15.4).
  const { previews, lostAt } = await frame.evaluate('({ previews: __gpu.previews, lostAt: __gpu.lostAt })') as { previews: Preview[]; lostAt: number }
  const beforeLoss = previews.slice(0, lostAt)
  const afterLoss = previews.slice(lostAt)
  assert.ok(beforeLoss.length >= 1 && afterLoss.length >= 1, `previews: ${beforeLoss.length} before the loss, ${afterLoss.length} after`)
  const last = beforeLoss.at(-1)!
  const content = await contentAtAsync(pg, last.width, last.height)
  const drift = { webgl5: difference(last, content), wasm5: difference(afterLoss[0]!, content), step: difference(afterLoss[0]!, last) }
  t.diagnostic(`mean |Δ| from the content: WebGL step 5 ${drift.webgl5.toFixed(2)}, wasm step 5 after the fallback ${drift.wasm5.toFixed(2)}; wasm step 5 vs WebGL step 5 ${drift.step.toFixed(2)}`)
  assert.ok(drift.step > 2, 'the first preview after the fallback is not a rerun of the first five steps')
  assert.ok(drift.wasm5 > drift.webgl5 * 1.3, 'the run after the fallback went on from the preview instead of starting over')

  // The dead context is not reused: the next run on WebGL gets a new one.
  await selectInputsAsync(pg)
  const again = await transferAsync(pg, 240_000)
  if (await error.count() > 0) throw new Error(await error.innerText())
  t.diagnostic(`second run ${again.toFixed(1)} s`)
  assert.equal(await done.getByTestId('backend').getAttribute('data-backend'), 'webgl')
  assert.equal((await pg.layers()).length, 4)
  assert.deepEqual(pg.errors, [])
})

test('out of memory on WebGL (a read that cannot allocate) falls back to wasm from the last preview', async (t) => {
  // 6 steps: a preview at step 5; armed when step 6 is shown, the failure hits the final read.
  const pg = await openPlaygroundAsync(session, { backend: 'webgl', size: 32, quality: 'custom', steps: 6, seed: 7 })
  const frame = panelFrame(pg)
  await loseAtAsync(frame, /step 6 of 6/, 'failWebGLRead')
  const seconds = await transferAsync(pg, 240_000)
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  const done = pg.panel.getByTestId('done')
  const text = await done.innerText()
  t.diagnostic(`${seconds.toFixed(1)} s from click to placed: ${text.replace(/\s+/g, ' ')}`)
  assert.match(text, /Placed a 32×21 px result/)
  assert.equal(await done.getByTestId('backend').getAttribute('data-backend'), 'wasm')
  assert.match(await done.getByTestId('backend').innerText(),
    /^Running on CPU \(WebAssembly\): WebGL failed \(Array buffer allocation failed\); continuing from the last preview\.$/)
  assert.equal((await pg.layers()).length, 3)
  const { previews, lostAt } = await frame.evaluate('({ previews: __gpu.previews, lostAt: __gpu.lostAt })') as { previews: Preview[]; lostAt: number }
  assert.ok(lostAt >= 1 && previews.length > lostAt, `previews: ${lostAt} before the failure, ${previews.length - lostAt} after`)
  const step = difference(previews[lostAt]!, previews[lostAt - 1]!)
  t.diagnostic(`wasm step 5 vs WebGL step 5: mean |Δ| ${step.toFixed(2)}`)
  assert.ok(step > 2, 'the first preview after the fallback is not a rerun of the first five steps')
  assert.deepEqual(pg.errors, [])
})

test('a lost WebGL context during Variations fails with the reason instead of hanging; the next try gets a new context', async (t) => {
  const pg = await openPlaygroundAsync(session, { backend: 'webgl', size: 32, quality: 'custom', steps: 3, seed: 7 })
  const frame = panelFrame(pg)
  await loseAtAsync(frame, /Variation 2 of 4 · step 1 of 3/, 'loseWebGL')
  const start = Date.now()
  await pg.panel.getByRole('button', { name: 'Variations' }).click()
  const grid = pg.panel.getByTestId('variations')
  const failed = grid.getByTestId('variations-error')
  await failed.or(grid.getByTestId('variations-status').filter({ hasText: /^Pick a variation/ })).waitFor({ timeout: 240_000 })
  const text = await failed.innerText()
  t.diagnostic(`${((Date.now() - start) / 1000).toFixed(1)} s: ${text}`)
  assert.match(text, /^Variations failed\. Style transfer stopped with an error \(the WebGL context was lost\)\./)
  await grid.getByRole('button', { name: 'Close' }).click()
  await pg.panel.getByRole('button', { name: 'Variations' }).click()
  await grid.getByTestId('variations-status').filter({ hasText: /^Pick a variation/ }).or(failed).waitFor({ timeout: 240_000 })
  if (await failed.count() > 0) throw new Error(await failed.innerText())
  t.diagnostic(`second try done after ${((Date.now() - start) / 1000).toFixed(1)} s`)
  assert.equal(await grid.getByTestId('variation').count(), 4)
  assert.deepEqual(pg.errors, [])
})

test('a lost WebGPU device mid-run falls back to WebGL and places (SwiftShader Vulkan, 32 px, 2 steps)', async (t) => {
  // The first WebGPU step compiles every shader (about a minute here), so two steps only: the
  // device is destroyed when step 1 is shown, before any preview, and WebGL starts over.
  const pg = await openPlaygroundAsync(session, { backend: 'webgpu', size: 32, quality: 'custom', steps: 2, seed: 7 })
  const frame = panelFrame(pg)
  await loseAtAsync(frame, /step 1 of 2/, 'loseWebGPU')
  const seconds = await transferAsync(pg, 420_000)
  await pg.page.screenshot({ path: `${ARTIFACTS}/fallback-webgpu-to-webgl.png` })
  const error = pg.panel.getByTestId('error')
  if (await error.count() > 0) throw new Error(await error.innerText())
  assert.ok(await frame.evaluate('window.__lost') as number >= 1, 'a WebGPU device was destroyed')
  const done = pg.panel.getByTestId('done')
  const text = await done.innerText()
  t.diagnostic(`${seconds.toFixed(1)} s from click to placed: ${text.replace(/\s+/g, ' ')}`)
  assert.match(text, /Placed a 32×21 px result/)
  assert.equal(await done.getByTestId('backend').getAttribute('data-backend'), 'webgl')
  assert.match(await done.getByTestId('backend').innerText(),
    /^Running on WebGL: WebGPU failed \(the WebGPU device was lost: .+\); starting over \(no preview yet\)\.$/)
  assert.equal((await pg.layers()).length, 3)
  assert.deepEqual(pg.errors, [])
})
