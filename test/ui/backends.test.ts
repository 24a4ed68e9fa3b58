// The same flow on each browser backend, forced through the settings (?backend=...), at 32 px and
// one step: headless Chromium emulates the GPU with SwiftShader, so GPU backends are slow here
// (the first WebGPU step compiles every shader). Each test reports the backend it ran on.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ARTIFACTS, WEBGPU_ARGS, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

async function flowAsync(backend: string, args: string[], timeoutMs: number): Promise<{ ran: string | null; seconds: number; text: string }> {
  const session = await startSession(args)
  try {
    const pg = await openPlaygroundAsync(session, { backend, size: 32, quality: 'custom', steps: 1 })
    await pg.watchPanelAsync()
    const seconds = await transferAsync(pg, timeoutMs)
    await pg.page.screenshot({ path: `${ARTIFACTS}/done-${backend}${args.length === 0 ? '' : '-vulkan'}.png` })
    const error = pg.panel.getByTestId('error')
    if (await error.count() > 0) throw new Error(await error.innerText())
    const done = pg.panel.getByTestId('done')
    const layers = await pg.layers()
    assert.equal(layers.length, 3)
    assert.deepEqual([layers[2]!.width, layers[2]!.height], [240, 160])
    assert.deepEqual(await pg.seenAsync(), { preview: true, step: true })
    return { ran: await done.getByTestId('backend').getAttribute('data-backend'), seconds, text: await done.innerText() }
  } finally {
    await session.close()
  }
}

test('the flow on WebGL', async (t) => {
  const r = await flowAsync('webgl', [], 240_000)
  t.diagnostic(`ran on ${r.ran}, ${r.seconds.toFixed(1)} s from click to placed`)
  assert.equal(r.ran, 'webgl')
})

test('the flow on WebGPU (SwiftShader Vulkan)', async (t) => {
  const r = await flowAsync('webgpu', WEBGPU_ARGS, 300_000)
  t.diagnostic(`ran on ${r.ran}, ${r.seconds.toFixed(1)} s from click to placed`)
  assert.equal(r.ran, 'webgpu')
})

test('left to choose, the panel passes over WebGPU and WebGL on SwiftShader and runs on WebAssembly, saying why', async (t) => {
  // WEBGPU_ARGS give WebGPU a (SwiftShader fallback) adapter, so both GPU backends could start.
  const r = await flowAsync('auto', WEBGPU_ARGS, 120_000)
  t.diagnostic(`ran on ${r.ran}, ${r.seconds.toFixed(1)} s from click to placed: ${r.text.replace(/\s+/g, ' ')}`)
  assert.equal(r.ran, 'wasm')
  assert.match(r.text, /WebGPU runs on a software renderer here \((SwiftShader|a fallback adapter)\), slower than the CPU/)
  assert.match(r.text, /WebGL runs on a software renderer here \(SwiftShader\), slower than the CPU/)
})
