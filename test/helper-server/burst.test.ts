import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fakeEngine, startServer, TestClient, upgradeStatus } from './support.js'

const settle = async (cond: () => boolean): Promise<void> => {
  const t0 = Date.now()
  while (!cond() && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20))
}

test('a bounded burst of 200 connect/hello/close clients: no crash, no leaked sockets or memory', async () => {
  const server = await startServer({ engine: fakeEngine(), maxClients: 32 })
  try {
    const round = async (n: number): Promise<void> => {
      for (let batch = 0; batch < n; batch += 20) {
        await Promise.all(Array.from({ length: 20 }, async () => {
          const c = new TestClient(server.wsUrl, { origin: 'null' })
          await c.hello()
          await c.close()
        }))
      }
      await settle(() => server.stats().clients === 0)
    }
    await round(40) // warm-up: JIT, buffers
    global.gc?.()
    const heapBefore = process.memoryUsage().heapUsed
    const t0 = Date.now()
    await round(200)
    const ms = Date.now() - t0
    global.gc?.()
    const grown = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20
    assert.equal(server.stats().clients, 0)
    // Without --expose-gc garbage may still be there; the bound only catches per-client retention.
    assert.ok(grown < 40, `heap grew by ${grown.toFixed(1)} MB over 200 clients`)
    console.log(`200 clients in ${ms} ms, heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB`)
    // Still serving afterwards.
    assert.equal(await upgradeStatus(server.wsUrl), 101)
  } finally {
    await server.close()
  }
})

test('clients over maxClients are refused with 503 at the upgrade, and admitted again once others leave', async () => {
  const server = await startServer({ engine: fakeEngine(), maxClients: 3 })
  try {
    const held = [new TestClient(server.wsUrl), new TestClient(server.wsUrl), new TestClient(server.wsUrl)]
    await Promise.all(held.map((c) => c.opened()))
    assert.equal(await upgradeStatus(server.wsUrl), 503)
    await held[0]!.close()
    await settle(() => server.stats().clients === 2)
    assert.equal(await upgradeStatus(server.wsUrl), 101)
    await Promise.all(held.slice(1).map((c) => c.close()))
  } finally {
    await server.close()
  }
})
