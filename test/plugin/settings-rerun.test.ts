import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_SETTINGS } from '../../plugin/messages.js'
import { SETTINGS_KEY } from '../../plugin/settings-store.js'
import { placeMessage, recipeFor, start, twoLayerDocument } from './setup.js'

test('ready: the plugin sends settings (defaults when nothing is stored), then the selection', async () => {
  const { fake } = start()
  await fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(fake.toUi.map((m) => (m as { type: string }).type), ['settings', 'selection'])
  assert.deepEqual(fake.messagesOfType('settings')[0], { type: 'settings', settings: DEFAULT_SETTINGS })
})

test('settings round trip through clientStorage under the dated key', async () => {
  const saved = { ...DEFAULT_SETTINGS, size: 1024, strength: 0.8, quality: 'custom', steps: 300, seed: 1234, backend: 'helper', helperUrl: 'ws://localhost:9000', helperToken: 'tok', weightsUrl: 'https://cdn.example.com/vgg19/' }
  const first = start()
  await first.fake.sendFromUi({ type: 'save-settings', settings: saved })
  assert.deepEqual(first.fake.lastMessage(), { type: 'settings', settings: saved })
  assert.deepEqual([...first.fake.storage.keys()], [SETTINGS_KEY])
  assert.equal(SETTINGS_KEY, 'settings/2025-11-28')
  // A new plugin run on the same machine reads them back.
  const second = start()
  for (const [key, value] of first.fake.storage) second.fake.storage.set(key, value)
  await second.fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(second.fake.messagesOfType('settings')[0], { type: 'settings', settings: saved })
})

test('stored settings from an older schema are merged over the defaults', async () => {
  const { fake } = start()
  fake.storage.set(SETTINGS_KEY, { size: 2048, backend: 'tpu' })
  await fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(fake.messagesOfType('settings')[0], { type: 'settings', settings: { ...DEFAULT_SETTINGS, size: 2048 } })
})

test('invalid settings are not stored and the error names the field', async () => {
  const { fake } = start()
  await fake.sendFromUi({ type: 'save-settings', settings: { ...DEFAULT_SETTINGS, size: 3.5 } })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: null,
    message: 'The plugin received an invalid message: save-settings.settings.size: expected integer in 16..16384, got number 3.5'
  })
  assert.equal(fake.storage.size, 0)
})

test('rerun: the recipe on the selected result is sent, and its inputs are selected with the recorded content', async () => {
  const { fake, state } = start({ command: 'rerun' })
  const { content, style } = twoLayerDocument(fake)
  await fake.sendFromUi(placeMessage(content, [style], 30, 20))
  const result = fake.nodeById(String(fake.lastMessage()['nodeId']))
  assert.ok(result !== undefined)
  await fake.select(result)
  state.contentId = null
  fake.toUi.length = 0
  await fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(fake.messagesOfType('recipe'), [{ type: 'recipe', recipe: recipeFor(content, [style]) }])
  assert.deepEqual(new Set(fake.selectionIds), new Set([content.id, style.id]))
  // "Starry Night" is higher in the panel, but the recipe says "Photo" is the content.
  const selection = fake.messagesOfType('selection').at(-1)
  assert.deepEqual(selection?.['content'], { id: content.id, name: 'Photo', width: 300, height: 200 })
  assert.equal(selection?.['problem'], null)
  assert.equal(fake.messagesOfType('error').length, 0)
})

test('rerun: a tile of a tiled result finds the recipe on its group', async () => {
  const { fake } = start({ command: 'rerun' })
  const { content, style } = twoLayerDocument(fake)
  const group = fake.add('GROUP', { name: 'Result' })
  const tile = fake.add('RECTANGLE', { name: 'Tile 1', parent: group })
  group.setPluginData('recipe', JSON.stringify(recipeFor(content, [style], 9)))
  await fake.select(tile)
  await fake.sendFromUi({ type: 'ready' })
  assert.equal((fake.messagesOfType('recipe')[0]?.['recipe'] as { seed: number }).seed, 9)
})

test('rerun: a layer without a recipe is answered with an error sentence', async () => {
  const { fake } = start({ command: 'rerun' })
  const { content } = twoLayerDocument(fake)
  await fake.select(content)
  await fake.sendFromUi({ type: 'ready' })
  assert.deepEqual(fake.lastMessage(), {
    type: 'error', requestId: null,
    message: '“Photo” is not a style-transfer result, so there is nothing to re-run. Select a result layer.'
  })
  assert.equal(fake.messagesOfType('recipe').length, 0)
})

test('rerun: when an input was deleted, the recipe still comes and an error says what happened', async () => {
  const { fake } = start({ command: 'rerun' })
  const { content, style } = twoLayerDocument(fake)
  const result = fake.add('RECTANGLE', { name: 'Result' })
  result.setPluginData('recipe', JSON.stringify(recipeFor(content, [style])))
  style.remove()
  await fake.select(result)
  await fake.sendFromUi({ type: 'ready' })
  assert.equal(fake.messagesOfType('recipe').length, 1)
  assert.deepEqual(fake.selectionIds, [content.id])
  assert.equal(fake.lastMessage()['message'], '1 of the layers this result was made from no longer exist on this page. Its settings were loaded; select new layers to run it again.')
})

test('without the rerun command, ready sends no recipe', async () => {
  const { fake } = start()
  const { content, style } = twoLayerDocument(fake)
  const result = fake.add('RECTANGLE', { name: 'Result' })
  result.setPluginData('recipe', JSON.stringify(recipeFor(content, [style])))
  await fake.select(result)
  await fake.sendFromUi({ type: 'ready' })
  assert.equal(fake.messagesOfType('recipe').length, 0)
})
