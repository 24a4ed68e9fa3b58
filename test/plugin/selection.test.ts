import assert from 'node:assert/strict'
import { test } from 'node:test'
import { start, twoLayerDocument } from './setup.js'

test('nothing selected: no content, no styles, a sentence that says what to select', async () => {
  const { fake } = start()
  twoLayerDocument(fake)
  await fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(fake.messagesOfType('selection').at(-1), {
    type: 'selection',
    content: null,
    styles: [],
    problem: 'Nothing is selected. Select two layers: the content and at least one style (Shift-click to add a layer).'
  })
})

test('one layer: it is the content, and the problem asks for a style', async () => {
  const { fake } = start()
  const { content } = twoLayerDocument(fake)
  await fake.select(content)
  assert.deepEqual(fake.lastMessage(), {
    type: 'selection',
    content: { id: content.id, name: 'Photo', width: 300, height: 200 },
    styles: [],
    problem: 'Only “Photo” is selected. Shift-click a second layer to use as the style.'
  })
})

test('two layers: default content is the higher one in the layers panel, whatever the selection order', async () => {
  for (const order of ['content-first', 'style-first']) {
    const { fake } = start()
    const { content, style } = twoLayerDocument(fake)
    await (order === 'content-first' ? fake.select(content, style) : fake.select(style, content))
    const message = fake.lastMessage()
    assert.equal(message['problem'], null, order)
    // "Starry Night" is at index 2 of the frame, "Photo" at 1: Starry Night is listed first.
    assert.deepEqual(message['content'], { id: style.id, name: 'Starry Night', width: 120, height: 90 }, order)
    assert.deepEqual(message['styles'], [{ id: content.id, name: 'Photo', width: 300, height: 200 }], order)
  }
})

test('layers-panel order across nesting: a later top-level frame comes before children of an earlier one', async () => {
  const { fake } = start()
  const { content } = twoLayerDocument(fake)
  const other = fake.add('RECTANGLE', { name: 'Top level', x: 0, y: 0, width: 10, height: 10 })
  await fake.select(content, other)
  assert.equal((fake.lastMessage()['content'] as { id: string }).id, other.id)
})

test('set-content swaps the content explicitly and the choice survives adding a style', async () => {
  const { fake } = start()
  const { content, style, above } = twoLayerDocument(fake)
  await fake.select(content, style)
  await fake.sendFromUi({ type: 'set-content', nodeId: content.id })
  assert.deepEqual(fake.lastMessage()['content'], { id: content.id, name: 'Photo', width: 300, height: 200 })
  assert.deepEqual((fake.lastMessage()['styles'] as { id: string }[]).map((s) => s.id), [style.id])
  // "Caption" is above both in the panel, but the explicit choice stays.
  await fake.select(content, style, above)
  assert.equal((fake.lastMessage()['content'] as { id: string }).id, content.id)
  assert.deepEqual((fake.lastMessage()['styles'] as { id: string }[]).map((s) => s.id), [above.id, style.id])
})

test('the default content is remembered too: adding a higher layer does not silently swap it', async () => {
  const { fake } = start()
  const { content, style, above } = twoLayerDocument(fake)
  await fake.select(content, style)
  assert.equal((fake.lastMessage()['content'] as { id: string }).id, style.id)
  await fake.select(content, style, above)
  assert.equal((fake.lastMessage()['content'] as { id: string }).id, style.id)
})

test('set-content for a layer that is not selected is answered with an error and changes nothing', async () => {
  const { fake, state } = start()
  const { content, style, above } = twoLayerDocument(fake)
  await fake.select(content, style)
  await fake.sendFromUi({ type: 'set-content', nodeId: above.id })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error',
    requestId: null,
    message: 'That layer is no longer selected, so it cannot be the content. Select it again.'
  })
  assert.equal(state.contentId, style.id)
})

test('a slice cannot be used', async () => {
  const { fake } = start()
  const { content } = twoLayerDocument(fake)
  const slice = fake.add('SLICE', { name: 'Slice 1', width: 50, height: 50 })
  await fake.select(content, slice)
  assert.equal(fake.lastMessage()['problem'], '“Slice 1” is a slice, which has no pixels of its own. Select the layers under it instead.')
})

test('a layer without exportAsync cannot be used', async () => {
  const { fake } = start()
  const { content } = twoLayerDocument(fake)
  const odd = fake.add('WIDGET', { name: 'Poll', withoutExport: true })
  await fake.select(content, odd)
  assert.equal(fake.lastMessage()['problem'], '“Poll” cannot be exported as an image. Select a frame, shape, group or image instead.')
})

test('a zero-size layer cannot be used', async () => {
  const { fake } = start()
  const { content } = twoLayerDocument(fake)
  const line = fake.add('LINE', { name: 'Divider', width: 240, height: 0 })
  await fake.select(content, line)
  assert.equal(
    fake.lastMessage()['problem'],
    '“Divider” has no area (240 × 0), so it cannot be used as an image. Select a layer with a width and a height.'
  )
})

test('three layers: one content and two styles', async () => {
  const { fake } = start()
  const { content, style, below } = twoLayerDocument(fake)
  await fake.select(below, style, content)
  await fake.sendFromUi({ type: 'set-content', nodeId: content.id })
  const message = fake.lastMessage()
  assert.equal(message['problem'], null)
  assert.deepEqual((message['styles'] as { name: string }[]).map((s) => s.name), ['Starry Night', 'Backdrop'])
})
