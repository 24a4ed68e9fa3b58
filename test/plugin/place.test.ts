import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { renderPng } from '../fakes/figma.js'
import { planTiles } from '../../plugin/messages.js'
import { placeMessage, recipeFor, start, twoLayerDocument } from './setup.js'

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex')

test('place: a rectangle with an IMAGE fill over the content, on top of its parent, named, selected, one undo step', async () => {
  const { fake } = start()
  const { frame, content, style } = twoLayerDocument(fake)
  await fake.select(content, style)
  const message = placeMessage(content, [style], 600, 400)
  const stepsBefore = fake.undoSteps.length
  await fake.sendFromUi(message)

  const placed = fake.lastMessage()
  assert.equal(placed['type'], 'placed')
  assert.equal(placed['requestId'], 'p1')
  assert.equal(placed['notice'], null)
  const result = fake.nodeById(String(placed['nodeId']))
  assert.ok(result !== undefined)
  // Same parent, on top of it (nothing can hide it), nothing else reordered.
  assert.deepEqual(frame.children.map((n) => n.name), ['Backdrop', 'Photo', 'Starry Night', 'Caption', 'Photo × Starry Night'])
  assert.equal(result.parent, frame)
  // Same box as the content (canvas units), whatever the image resolution.
  assert.deepEqual([result.type, result.x, result.y, result.width, result.height], ['RECTANGLE', 40, 60, 300, 200])
  assert.deepEqual(result.fills, [{ type: 'IMAGE', imageHash: sha1(message.png), scaleMode: 'FILL' }])
  assert.deepEqual(fake.images.get(sha1(message.png))?.width, 600)
  // Selected and scrolled into view.
  assert.deepEqual(fake.selectionIds, [result.id])
  assert.deepEqual(fake.scrolledTo, [[result.id]])
  // Exactly one undo step, holding every change, and nothing left uncommitted.
  assert.equal(fake.undoSteps.length, stepsBefore + 1)
  assert.deepEqual(fake.pendingChanges, [])
  const step = fake.undoSteps.at(-1) ?? []
  assert.ok(step.includes(`create ${result.id}`))
  assert.ok(step.includes(`insert ${result.id} ${frame.id}@4`))
  assert.ok(step.includes(`pluginData ${result.id} recipe`))
  // Recipe and relaunch button.
  assert.deepEqual(JSON.parse(result.getPluginData('recipe')), recipeFor(content, [style]))
  assert.deepEqual(result.getRelaunchData(), { rerun: 'From “Photo” in the style of “Starry Night”, seed 42.' })
  // The plugin reports the new selection to the UI.
  assert.equal((fake.messagesOfType('selection').at(-1)?.['content'] as { id: string }).id, result.id)
})

test('place: several styles are all named', async () => {
  const { fake } = start()
  const { content, style, below } = twoLayerDocument(fake)
  await fake.sendFromUi(placeMessage(content, [style, below], 30, 20))
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.equal(result?.name, 'Photo × Starry Night + Backdrop')
})

test('place: content inside a group keeps the group-parent coordinates', async () => {
  const { fake } = start()
  const a = fake.add('RECTANGLE', { name: 'A', x: 100, y: 100, width: 50, height: 50 })
  const style = fake.add('RECTANGLE', { name: 'S', x: 300, y: 100, width: 50, height: 50 })
  const group = fake.api['group'] as (n: unknown[], p: unknown) => { children: unknown[] }
  const g = group([a, fake.add('ELLIPSE', { x: 200, y: 300, width: 10, height: 10 })], fake.currentPage)
  await fake.sendFromUi(placeMessage(a, [style], 50, 50))
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.ok(result !== undefined)
  assert.equal(result.parent, g)
  assert.deepEqual([result.x, result.y, result.width, result.height], [100, 100, 50, 50])
  assert.equal(g.children.indexOf(result), 2)
})

test('place: a rotated content gets an unrotated result over its bounding box (what was exported)', async () => {
  const { fake } = start()
  const content = fake.add('RECTANGLE', { name: 'Tilted', x: 0, y: 100, width: 100, height: 100, rotation: 90 })
  const style = fake.add('RECTANGLE', { name: 'S' })
  await fake.sendFromUi(placeMessage(content, [style], 64, 64))
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.ok(result !== undefined)
  // 90° counter-clockwise about (0,100): the box spans x 0..100, y 0..100.
  assert.deepEqual([result.rotation, Math.round(result.x), Math.round(result.y), Math.round(result.width), Math.round(result.height)], [0, 0, 0, 100, 100])
})

test('place: in an auto-layout frame the result is pinned (absolute), not reflowed', async () => {
  const { fake } = start()
  const frame = fake.add('FRAME', { name: 'Stack' })
  frame.layoutMode = 'VERTICAL'
  const content = fake.add('RECTANGLE', { name: 'C', parent: frame, x: 10, y: 10, width: 40, height: 40 })
  await fake.sendFromUi(placeMessage(content, [content], 40, 40))
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.equal(result?.layoutPositioning, 'ABSOLUTE')
  assert.deepEqual([result?.x, result?.y], [10, 10])
})

test('place-tiles: results wider than 4096 px are placed as a group of tiles, each a valid createImage', async () => {
  const { fake } = start()
  const { frame, content, style } = twoLayerDocument(fake)
  const width = 8193
  const height = 40
  const rects = planTiles(width, height)
  assert.deepEqual(rects.map((r) => [r.x, r.width]), [[0, 2731], [2731, 2731], [5462, 2731]])
  const tiles = rects.map((r, i) => ({ ...r, png: renderPng(r.width, r.height, i) }))
  const stepsBefore = fake.undoSteps.length
  await fake.sendFromUi({ type: 'place-tiles', requestId: 't1', width, height, tiles, recipe: recipeFor(content, [style]) })

  const placed = fake.lastMessage()
  assert.equal(placed['type'], 'placed')
  const group = fake.nodeById(String(placed['nodeId']))
  assert.ok(group !== undefined)
  assert.equal(group.type, 'GROUP')
  assert.equal(group.name, 'Photo × Starry Night')
  assert.equal(group.parent, frame)
  assert.equal(frame.children.at(-1), group)
  // The group covers the content's box; tiles split it in proportion to their pixels.
  assert.deepEqual([group.x, group.y, group.width, group.height], [40, 60, 300, 200])
  const sx = 300 / width
  assert.deepEqual(group.children.map((t) => [t.name, t.x, t.width, t.height]), [
    ['Tile 1', 40, 2731 * sx, 200], ['Tile 2', 40 + 2731 * sx, 2731 * sx, 200], ['Tile 3', 40 + 5462 * sx, 2731 * sx, 200]
  ])
  assert.deepEqual(group.children.map((t) => t.fills[0]?.imageHash), tiles.map((t) => sha1(t.png)))
  assert.deepEqual(JSON.parse(group.getPluginData('recipe')).contentId, content.id)
  assert.deepEqual(Object.keys(group.getRelaunchData()), ['rerun'])
  assert.deepEqual(fake.selectionIds, [group.id])
  assert.equal(fake.undoSteps.length, stepsBefore + 1)
  assert.deepEqual(fake.pendingChanges, [])
})

test('place-tiles: a 2 x 2 grid when both sides exceed 4096', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  const rects = planTiles(4100, 4097)
  assert.deepEqual(rects, [
    { x: 0, y: 0, width: 2050, height: 2049 }, { x: 2050, y: 0, width: 2050, height: 2049 },
    { x: 0, y: 2049, width: 2050, height: 2048 }, { x: 2050, y: 2049, width: 2050, height: 2048 }
  ])
  // Tiny stand-in PNGs would not match; the sandbox checks each header against the tile size.
  const tiles = rects.map((r, i) => ({ ...r, png: renderPng(r.width, r.height, i) }))
  await fake.sendFromUi({ type: 'place-tiles', requestId: 't2', width: 4100, height: 4097, tiles, recipe: recipeFor(content, [style]) })
  const group = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.equal(group?.children.length, 4)
  assert.equal(fake.images.size, 4)
})

test('place: a single image over 4096 px is refused before anything changes (use place-tiles)', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  const before = fake.snapshot()
  await fake.sendFromUi({ ...placeMessage(content, [style], 10, 10), width: 5000 })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: 'p1',
    message: 'The plugin received an invalid message: place.width: expected integer in 1..4096, got number 5000'
  })
  assert.equal(fake.snapshot(), before)
  assert.equal(fake.images.size, 0)
})

test('place: a PNG whose size differs from what was declared is refused before createImage', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  const before = fake.snapshot()
  await fake.sendFromUi({ ...placeMessage(content, [style], 10, 10), width: 12 })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: 'p1', message: 'Could not place the result: the image is 10×10 px but was sent as 12×10'
  })
  assert.equal(fake.snapshot(), before)
  assert.equal(fake.images.size, 0)
})

test('place-tiles: tiles that do not cover the image are refused', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  const tiles = [{ x: 0, y: 0, width: 10, height: 10, png: renderPng(10, 10, 1) }]
  await fake.sendFromUi({ type: 'place-tiles', requestId: 't3', width: 20, height: 10, tiles, recipe: recipeFor(content, [style]) })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: 't3', message: 'Could not place the result: The tiles cover 100 of the 200 pixels of the image.'
  })
})

test('place: deleted content → middle of the view at its last known size, on top of the page, with a notice', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  await fake.select(content, style)
  content.remove()
  fake.viewportCenter = { x: 1000, y: 500 }
  await fake.sendFromUi(placeMessage(content, [style], 60, 40))
  const placed = fake.lastMessage()
  assert.equal(placed['notice'], '“Photo” was deleted while the style was being transferred, so the result was placed in the middle of the view.')
  const result = fake.nodeById(String(placed['nodeId']))
  assert.ok(result !== undefined)
  assert.equal(result.parent, fake.currentPage)
  assert.equal(fake.currentPage.children.at(-1), result)
  assert.deepEqual([result.x, result.y, result.width, result.height], [850, 400, 300, 200])
  assert.equal(result.name, 'Photo × Starry Night')
})

test('place: deleted content never seen by this run → image size, generic name', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  content.remove()
  await fake.sendFromUi(placeMessage(content, [style], 60, 40))
  const placed = fake.lastMessage()
  assert.equal(placed['notice'], 'The content layer was deleted while the style was being transferred, so the result was placed in the middle of the view.')
  const result = fake.nodeById(String(placed['nodeId']))
  assert.deepEqual([result?.x, result?.y, result?.width, result?.height], [470, 380, 60, 40])
})

test('place: moved content → on top of it where it is now, with a notice', async () => {
  const { fake } = start()
  const { content, style, frame } = twoLayerDocument(fake)
  await fake.select(content, style)
  const elsewhere = fake.add('FRAME', { name: 'Elsewhere', x: 0, y: 0, width: 500, height: 500 })
  elsewhere.insertChild(0, content)
  content.x = 5
  content.y = 6
  await fake.sendFromUi(placeMessage(content, [style], 30, 20))
  const placed = fake.lastMessage()
  assert.equal(placed['notice'], '“Photo” moved while the style was being transferred, so the result was placed on top of it where it is now.')
  const result = fake.nodeById(String(placed['nodeId']))
  assert.equal(result?.parent, elsewhere)
  assert.deepEqual(elsewhere.children.map((n) => n.name), ['Photo', 'Photo × Starry Night'])
  assert.deepEqual([result?.x, result?.y], [5, 6])
  assert.deepEqual(frame.children.map((n) => n.name), ["Backdrop", "Starry Night", "Caption"])
})

test('place: content moved to another page → middle of this view, with a notice', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  fake.page('Archive').appendChild(content)
  await fake.sendFromUi(placeMessage(content, [style], 30, 20))
  assert.equal(fake.lastMessage()['notice'], '“Photo” is no longer on this page, so the result was placed in the middle of the view.')
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.equal(result?.parent, fake.currentPage)
})

test('place: content inside a component instance → on top of the page, over the content, with a notice', async () => {
  const { fake } = start()
  const instance = fake.add('INSTANCE', { name: 'Card', x: 100, y: 200, width: 300, height: 300 })
  const content = fake.add('RECTANGLE', { name: 'Image', parent: instance, x: 10, y: 20, width: 50, height: 40 })
  const style = fake.add('RECTANGLE', { name: 'S' })
  await fake.sendFromUi(placeMessage(content, [style], 50, 40))
  const placed = fake.lastMessage()
  assert.equal(placed['notice'], '“Image” is inside a component instance, which cannot hold new layers, so the result was placed on top of the instance.')
  const result = fake.nodeById(String(placed['nodeId']))
  assert.equal(result?.parent, fake.currentPage)
  assert.equal(fake.currentPage.children.at(-1), result)
  assert.deepEqual([result?.x, result?.y, result?.width, result?.height], [110, 220, 50, 40])
})

for (const [operation, nth, tiled] of [
  ['group', 1, true], ['createRectangle', 2, true], ['insertChild', 3, true],
  ['setPluginData', 1, false], ['setRelaunchData', 1, false], ['scrollAndZoomIntoView', 1, false]
] as const) {
  test(`place: a failure midway (${operation} #${nth}) leaves the document and selection unchanged`, async () => {
    const { fake } = start()
    const { content, style } = twoLayerDocument(fake)
    await fake.select(content, style)
    const before = fake.snapshot()
    const stepsBefore = fake.undoSteps.length
    fake.failOn(operation, nth)
    const width = tiled ? 8193 : 30
    const tiles = planTiles(width, 10).map((r, i) => ({ ...r, png: renderPng(r.width, r.height, i) }))
    await fake.sendFromUi({ type: 'place-tiles', requestId: 'f1', width, height: 10, tiles, recipe: recipeFor(content, [style]) })
    assert.deepEqual(fake.lastMessage(), {
      type: 'error', requestId: 'f1', message: `Could not place the result: Injected failure in ${operation}`
    })
    assert.equal(fake.snapshot(), before)
    assert.deepEqual(fake.selectionIds, [content.id, style.id])
    assert.equal(fake.undoSteps.length, stepsBefore)
    // The plugin still works afterwards.
    await fake.sendFromUi(placeMessage(content, [style], 30, 20, 'p2'))
    assert.equal(fake.lastMessage()['type'], 'placed')
  })
}
