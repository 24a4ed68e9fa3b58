import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type FakeNode, renderPng } from '../fakes/figma.js'
import { planTiles } from '../../plugin/messages.js'
import { placeMessage, recipeFor, start, twoLayerDocument } from './setup.js'

/** Later siblings whose box overlaps the node's: what would hide it on the canvas. */
function coveredBy(node: FakeNode): string[] {
  const parent = node.parent!
  const box = node.boxInParent()
  return parent.children.slice(parent.children.indexOf(node) + 1).filter((other) => {
    const b = other.boxInParent()
    return other.visible && b.x < box.x + box.width && box.x < b.x + b.width && b.y < box.y + box.height && box.y < b.y + b.height
  }).map((n) => n.name)
}

test('place twice: the second result is the topmost child of the parent, visible, with its own name, one undo step each', async () => {
  const { fake } = start()
  const { frame, content, style } = twoLayerDocument(fake)
  await fake.select(content, style)
  const stepsBefore = fake.undoSteps.length
  await fake.sendFromUi(placeMessage(content, [style], 30, 20, 'p1'))
  const first = fake.nodeById(String(fake.lastMessage()['nodeId']))!
  // The designer keeps the result selected (as the plugin left it) and runs again on the same pair.
  await fake.select(content, style)
  await fake.sendFromUi(placeMessage(content, [style], 30, 20, 'p2'))
  const second = fake.nodeById(String(fake.lastMessage()['nodeId']))!

  assert.notEqual(second, first)
  assert.equal(frame.children.at(-1), second)
  assert.equal(second.visible, true)
  assert.deepEqual(coveredBy(second), [])
  // Both over the content's box: the first is now under the second, as the newer result should be.
  assert.deepEqual([second.x, second.y, second.width, second.height], [first.x, first.y, first.width, first.height])
  assert.deepEqual(coveredBy(first), ['Photo × Starry Night 2'])
  assert.deepEqual(frame.children.map((n) => n.name), ['Backdrop', 'Photo', 'Starry Night', 'Caption', 'Photo × Starry Night', 'Photo × Starry Night 2'])
  assert.deepEqual(fake.selectionIds, [second.id])
  assert.deepEqual(fake.scrolledTo, [[first.id], [second.id]])
  assert.equal(fake.undoSteps.length, stepsBefore + 2)

  // A third counts on from the highest, even after the unnumbered one was deleted.
  first.remove()
  await fake.sendFromUi(placeMessage(content, [style], 30, 20, 'p3'))
  assert.deepEqual(frame.children.slice(-2).map((n) => n.name), ['Photo × Starry Night 2', 'Photo × Starry Night 3'])
})

test('place twice, tiled: the second group goes on top of the first', async () => {
  const { fake } = start()
  const { frame, content, style } = twoLayerDocument(fake)
  const tiles = planTiles(8193, 10).map((r, i) => ({ ...r, png: renderPng(r.width, r.height, i) }))
  for (const requestId of ['t1', 't2']) {
    await fake.sendFromUi({ type: 'place-tiles', requestId, width: 8193, height: 10, tiles, recipe: recipeFor(content, [style]) })
  }
  assert.deepEqual(frame.children.slice(-2).map((n) => [n.type, n.name, n.children.length]), [
    ['GROUP', 'Photo × Starry Night', 3], ['GROUP', 'Photo × Starry Night 2', 3]
  ])
})

for (const [operation, nth] of [['createRectangle', 2], ['insertChild', 2], ['group', 1], ['setPluginData', 1], ['scrollAndZoomIntoView', 1]] as const) {
  test(`place again: a failure midway (${operation} #${nth}) leaves the children, the earlier result and the selection as before`, async () => {
    const { fake } = start()
    const { frame, content, style } = twoLayerDocument(fake)
    await fake.sendFromUi(placeMessage(content, [style], 30, 20, 'p1'))
    const first = fake.nodeById(String(fake.lastMessage()['nodeId']))!
    const children = frame.children.map((n) => n.id)
    const before = fake.snapshot()
    const stepsBefore = fake.undoSteps.length
    fake.failOn(operation, nth)
    const tiles = planTiles(8193, 10).map((r, i) => ({ ...r, png: renderPng(r.width, r.height, i) }))
    await fake.sendFromUi({ type: 'place-tiles', requestId: 'f1', width: 8193, height: 10, tiles, recipe: recipeFor(content, [style]) })
    assert.deepEqual(fake.lastMessage(), { type: 'error', requestId: 'f1', message: `Could not place the result: Injected failure in ${operation}` })
    assert.deepEqual(frame.children.map((n) => n.id), children)
    assert.equal(fake.snapshot(), before)
    assert.deepEqual(fake.selectionIds, [first.id])
    assert.equal(fake.undoSteps.length, stepsBefore)
  })
}
