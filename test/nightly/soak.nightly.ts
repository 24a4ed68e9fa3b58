// Issue 13's soak: one real helper (ws on 127.0.0.1, the real wasm engine), four clients with 25
// legitimate jobs each, interleaved with the hostile image corpus, cancels and abrupt disconnects,
// while /health is polled every 50 ms. Reports crashes, poisoned states, lost or wrong results,
// /health latency (p50 / p99 / max) and RSS before and after; `npm run test:nightly` prints them
// (README, "Reliability"). Results are checked byte for byte: the same pair and seed must give the
// same PNG as the reference run made before the soak.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePng } from '../../helper/image-io.js'
import type { HelperServer } from '../../helper/server/create-helper-server.js'
import { startServer, TestClient } from '../helper-server/support.js'
import { bomb, chunk, doubleIhdr, idat, iend, ihdr, jpegWithSof, png } from '../support/hostile-images.js'
import { checker, gradient, realWeights } from '../support/tf.js'
import { chooseNodeBackend, createNodeEngine, type NodeEngine } from '../../helper/backend.js'

const JOB = { size: 32, minSize: 32, stepsFirst: 3, steps: 2, previewEvery: 1, seed: 3 }
const CLIENTS = 4
const JOBS_PER_CLIENT = 25

// The helper as `npm start` runs it: the onnx engine, each job in its own child process, so the
// server's event loop only moves bytes.
let server: HelperServer
let engine: NodeEngine
before(async () => {
  engine = await createNodeEngine(await chooseNodeBackend('onnx'), await realWeights())
  server = await startServer({ memoryBudgetMb: 2048, engine: { engine, backend: 'onnx' } })
})
after(async () => {
  await server.close()
  await engine.dispose()
})

const good = encodePng(gradient(8, 8))
const HOSTILE: Array<[string, Uint8Array]> = [
  ['double IHDR', doubleIhdr()],
  ['bomb', bomb()],
  ['truncated', good.slice(0, good.length - 5)],
  ['lying size', png(ihdr(8, 8), idat(new Uint8Array(4 * 17)), iend())],
  ['wrong CRC', png(ihdr(1, 1), chunk('IDAT', new Uint8Array([1, 2]), true), iend())],
  ['too many pixels', png(ihdr(8192, 8192), idat(new Uint8Array(5)), iend())],
  ['zero size', png(ihdr(0, 4), idat(new Uint8Array(5)), iend())],
  ['huge palette', png(ihdr(1, 1, 8, 3), chunk('PLTE', new Uint8Array(900)), idat(new Uint8Array(2)), iend())],
  ['IDAT before IHDR', png(idat(new Uint8Array(5)), ihdr(1, 1), iend())],
  ['JPEG two SOFs', jpegWithSof([1, 1], [8192, 8192])],
  ['JPEG lying SOF', jpegWithSof([60000, 60000])],
  ['not an image', new Uint8Array(100).fill(7)]
]

const PAIRS = [
  { content: gradient(32, 32), style: checker(32, 32) },
  { content: checker(32, 24), style: gradient(40, 40) }
]

async function runJob(c: TestClient, id: string, pair: number): Promise<Uint8Array> {
  c.uploadPng(`${id}c`, PAIRS[pair]!.content)
  c.uploadPng(`${id}s`, PAIRS[pair]!.style)
  c.send({ type: 'submit', id, content: `${id}c`, styles: [`${id}s`], options: JOB })
  const r = await c.waitFor('result', (m) => m.id === id, 300_000)
  assert.ok(r.payload !== null)
  return r.payload
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN
}

test('soak: 100 jobs from 4 clients among hostile images, cancels and disconnects; no crash, no poisoned state, no wrong result', { timeout: 1_800_000 }, async (t) => {
  const reference: Uint8Array[] = []
  {
    const c = new TestClient(server.wsUrl)
    await c.hello()
    for (let p = 0; p < PAIRS.length; p++) reference.push(await runJob(c, `ref${p}`, p))
    await c.close()
  }
  globalThis.gc?.()
  const rssBefore = process.memoryUsage().rss

  // /health every 50 ms for the whole soak.
  const latencies: number[] = []
  let healthFailures = 0
  let polling = true
  const poller = (async () => {
    while (polling) {
      const t0 = performance.now()
      try {
        const res = await fetch(`${server.url}/health`)
        if (!res.ok) healthFailures += 1
        await res.arrayBuffer()
      } catch {
        healthFailures += 1
      }
      latencies.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 50))
    }
  })()

  let wrong = 0
  let lost = 0
  let done = 0
  const legit = Array.from({ length: CLIENTS }, async (_, k) => {
    const c = new TestClient(server.wsUrl)
    await c.hello()
    for (let j = 0; j < JOBS_PER_CLIENT; j++) {
      const pair = (k + j) % PAIRS.length
      try {
        const bytes = await runJob(c, `c${k}j${j}`, pair)
        if (Buffer.compare(Buffer.from(bytes), Buffer.from(reference[pair]!)) !== 0) wrong += 1
        done += 1
      } catch (e) {
        lost += 1
        t.diagnostic(`client ${k} job ${j}: ${(e as Error).message.slice(0, 200)}`)
      }
    }
    await c.close()
  })

  let refusals = 0
  let unclear = 0
  const hostile = (async () => {
    const c = new TestClient(server.wsUrl)
    await c.hello()
    for (let round = 0; round < 5; round++) {
      for (const [name, bytes] of HOSTILE) {
        const before = c.errors().length
        c.sendFrame({ type: 'image', ref: `h${round}${name.replace(/\W/g, '')}`, format: 'png' }, bytes)
        const err = await c.waitFor('error', (m) => c.errors().indexOf(m) >= before, 30_000)
        refusals += 1
        if (err.msg.message.includes('\n    at ')) unclear += 1
      }
    }
    await c.close()
  })()

  // Cancels (after the job started) and abrupt disconnects (mid-job, no goodbye).
  let cancels = 0
  let disconnects = 0
  const rude = (async () => {
    for (let i = 0; i < 10; i++) {
      const c = new TestClient(server.wsUrl)
      await c.hello()
      const id = `rude${i}`
      c.uploadPng(`${id}c`, PAIRS[0]!.content)
      c.uploadPng(`${id}s`, PAIRS[0]!.style)
      c.send({ type: 'submit', id, content: `${id}c`, styles: [`${id}s`], options: { ...JOB, stepsFirst: 200 } })
      if (i % 2 === 0) {
        await c.waitFor('started', (m) => m.id === id, 300_000)
        c.send({ type: 'cancel', id })
        await c.waitFor('canceled', (m) => m.id === id, 300_000)
        cancels += 1
        await c.close()
      } else {
        await c.waitFor('queued', (m) => m.id === id, 60_000).catch(() => undefined)
        c.ws.terminate()
        disconnects += 1
      }
    }
  })()

  const t0 = performance.now()
  await Promise.all([...legit, hostile, rude])
  const soakMs = performance.now() - t0
  polling = false
  await poller

  // Poisoned? A fresh client after everything gets the reference bytes.
  const c = new TestClient(server.wsUrl)
  await c.hello()
  const afterBytes = await runJob(c, 'after', 0)
  const poisoned = Buffer.compare(Buffer.from(afterBytes), Buffer.from(reference[0]!)) === 0 ? 0 : 1
  await c.close()
  globalThis.gc?.()
  const rssAfter = process.memoryUsage().rss

  const figures = {
    soakSeconds: Math.round(soakMs / 1000), legitimateJobs: done, lost, wrong, poisoned, crashes: healthFailures,
    hostileRefusals: refusals, unclearRefusals: unclear, cancels, disconnects,
    healthPolls: latencies.length,
    healthMs: { p50: +percentile(latencies, 0.5).toFixed(1), p99: +percentile(latencies, 0.99).toFixed(1), max: +Math.max(...latencies).toFixed(1) },
    rssMb: { before: Math.round(rssBefore / 2 ** 20), after: Math.round(rssAfter / 2 ** 20) }
  }
  console.log(`soak figures: ${JSON.stringify(figures)}`)
  t.diagnostic(JSON.stringify(figures))
  assert.equal(done, CLIENTS * JOBS_PER_CLIENT)
  assert.equal(lost, 0)
  assert.equal(wrong, 0)
  assert.equal(poisoned, 0)
  assert.equal(healthFailures, 0)
  assert.equal(refusals, 5 * HOSTILE.length)
  assert.equal(unclear, 0)
  assert.equal(cancels + disconnects, 10)
})
