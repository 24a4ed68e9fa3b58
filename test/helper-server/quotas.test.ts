import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, TestClient, tiny } from './support.js'
import { checker, gradient } from '../support/tf.js'

// A 32x32 PNG decodes to 32 * 32 * 4 = 4096 bytes of RGBA: the unit of these limits.
const SMALL = 32 * 32 * 4

async function submit(c: TestClient, id: string, options: object): Promise<void> {
  c.uploadPng(`${id}-c`, gradient(32, 32))
  c.uploadPng(`${id}-s`, checker(32, 32))
  c.send({ type: 'submit', id, content: `${id}-c`, styles: [`${id}-s`], options })
}

test('a client that floods uploads and submits is refused with sentences; another client still gets its job done', { timeout: 120_000 }, async () => {
  const s = await startServer({ maxImageBytesPerClient: 3 * SMALL, maxQueuedPerClient: 2, maxQueue: 8 })
  const a = new TestClient(s.wsUrl)
  const b = new TestClient(s.wsUrl)
  try {
    await Promise.all([a.hello(), b.hello()])
    // Three images fit in 12 KB; the fourth would make 16 KB.
    a.uploadPng('long-c', gradient(32, 32))
    a.uploadPng('long-s', checker(32, 32))
    a.uploadPng('x', gradient(32, 32))
    a.uploadPng('y', gradient(32, 32))
    const over = await a.waitFor('error')
    assert.equal(over.msg.code, 'too-many-images')
    assert.equal(over.msg.message, 'Image y (32x32) would bring this client\'s images waiting for a submit to 16 KB, over the limit of 12 KB; submit a job with the images already sent first.')
    // Replacing an image under the same reference adds nothing.
    a.uploadPng('x', checker(32, 32))
    // A submit takes its images, and their room is free again.
    a.send({ type: 'submit', id: 'long', content: 'long-c', styles: ['long-s'], options: { ...tiny, stepsFirst: 500 } })
    await a.waitFor('started', (m) => m.id === 'long')
    await submit(a, 'a2', tiny)
    assert.equal((await a.waitFor('queued', (m) => m.id === 'a2')).msg.position, 1)
    await submit(a, 'a3', tiny)
    assert.equal((await a.waitFor('queued', (m) => m.id === 'a3')).msg.position, 2)
    await submit(a, 'a4', tiny)
    const full = await a.waitFor('error', (m) => m.id === 'a4')
    assert.equal(full.msg.code, 'queue-full')
    assert.equal(full.msg.message, 'This client already has 2 jobs waiting; submit another when one of them has started.')
    assert.deepEqual(a.errors().map((e) => e.code), ['too-many-images', 'queue-full'])
    assert.equal(s.stats().waiting, 2)

    // The other client's job still gets into the line (the queue holds 8), and runs.
    await submit(b, 'b1', tiny)
    assert.equal((await b.waitFor('queued', (m) => m.id === 'b1')).msg.position, 3)
    a.send({ type: 'cancel', id: 'long' })
    await a.waitFor('canceled', (m) => m.id === 'long')
    const done = await b.waitFor('result', (m) => m.id === 'b1')
    assert.deepEqual([done.msg.width, done.msg.height, done.msg.stopped], [32, 32, false])
    assert.deepEqual(b.errors(), [])
    // The flooding client's accepted jobs ran too.
    await a.waitFor('result', (m) => m.id === 'a3')
    assert.ok(a.received.some((r) => r.msg.type === 'result' && r.msg.id === 'a2'))
  } finally {
    await Promise.all([a.close(), b.close()])
    await s.close()
  }
})

test('uploads are counted against the memory budget as they arrive, across clients, and freed when their client leaves', { timeout: 120_000 }, async () => {
  // The engine's fixed floor is 400 MB (memory-estimate.ts): a 420 MB budget leaves 20 MB, which
  // is five 1024x1024 RGBA images of 4 MB each, exactly.
  const s = await startServer({ memoryBudgetMb: 420, maxSide: 1024, maxImageBytesPerClient: 64 * 2 ** 20 })
  const a = new TestClient(s.wsUrl)
  const b = new TestClient(s.wsUrl)
  try {
    await Promise.all([a.hello(), b.hello()])
    const big = new Uint8Array(1024 * 1024 * 4)
    for (let i = 1; i <= 6; i++) a.sendFrame({ type: 'image', ref: `big${i}`, format: 'rgba', width: 1024, height: 1024 }, big)
    const over = await a.waitFor('error')
    assert.equal(over.msg.code, 'out-of-memory')
    assert.equal(over.msg.message, 'Image big6 (1024x1024) would bring what the helper holds to 424 MB, over its memory budget of 420 MB; try again when a job has finished.')
    assert.equal(a.errors().length, 1)
    // The budget is the helper's, not the client's: a second client's small upload does not fit either.
    b.uploadPng('b-c', gradient(32, 32))
    const refused = await b.waitFor('error')
    assert.equal(refused.msg.code, 'out-of-memory')
    assert.match(refused.msg.message, /^Image b-c \(32x32\) would bring what the helper holds to 421 MB, over its memory budget of 420 MB;/)
    // Once the first client leaves, its 20 MB are free and the second client's job runs.
    await a.close()
    while (s.stats().clients > 1) await new Promise((r) => setTimeout(r, 20))
    await submit(b, 'b1', tiny)
    const done = await b.waitFor('result', (m) => m.id === 'b1')
    assert.deepEqual([done.msg.width, done.msg.height], [32, 32])
    assert.equal(b.errors().length, 1)
  } finally {
    await b.close()
    await s.close()
  }
})
