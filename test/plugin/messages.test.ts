import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderPng } from '../fakes/figma.js'
import {
  DEFAULT_SETTINGS, recipeSettingsOf, ValidationError, mergeSettings, parsePluginToUi, parseUiToPlugin, planTiles, requestIdOf
} from '../../plugin/messages.js'
import { readPngSize } from '../../plugin/png-size.js'
import { parseRecipe } from '../../plugin/messages.js'
import * as pluginKit from '../../plugin/schema.js'
import * as engineKit from '../../models/style-transfer/schema.js'
import { checkTileCover } from '../../plugin/tiles.js'
import { start } from './setup.js'

const recipe = { contentId: '1:2', styleIds: ['1:3'], settings: recipeSettingsOf(DEFAULT_SETTINGS), seed: 7, engineVersion: '0.1.0' }

test('parseUiToPlugin accepts every message type and returns it unchanged', () => {
  const png = renderPng(2, 2, 1)
  const messages = [
    { type: 'ready' },
    { type: 'set-content', nodeId: '1:2' },
    { type: 'export', requestId: 'r', nodeId: '1:2', maxSide: 512 },
    { type: 'place', requestId: 'r', png, width: 2, height: 2, recipe },
    { type: 'place-tiles', requestId: 'r', width: 2, height: 2, tiles: [{ png, x: 0, y: 0, width: 2, height: 2 }], recipe },
    { type: 'save-settings', settings: { ...DEFAULT_SETTINGS, seed: 5 } },
    { type: 'notify', message: 'hi' },
    { type: 'close' }
  ]
  for (const message of messages) assert.deepEqual(parseUiToPlugin(message), message)
})

test('parse errors name the bad field', () => {
  const cases: [unknown, string][] = [
    [null, 'message: expected object, got null'],
    [{ type: 'explode' }, 'message.type: expected one of "ready", "set-content", "export", "place", "place-tiles", "save-settings", "notify", "close", got string "explode"'],
    [{ type: 'place', requestId: 'r', png: 'AAAA', width: 2, height: 2, recipe }, 'place.png: expected Uint8Array, got string "AAAA"'],
    [{ type: 'export', requestId: 'r', nodeId: '1:2', maxSide: 0 }, 'export.maxSide: expected integer in 1..16384, got number 0'],
    [{ type: 'export', requestId: '', nodeId: '1:2', maxSide: 5 }, 'export.requestId: expected non-empty string, got string ""'],
    [{ type: 'place', requestId: 'r', png: new Uint8Array(1), width: 2, height: 2, recipe: { ...recipe, styleIds: [] } }, 'place.recipe.styleIds: expected at least 1 item(s), got 0'],
    [{ type: 'save-settings', settings: { ...DEFAULT_SETTINGS, backend: 'cuda' } }, 'save-settings.settings.backend: expected one of "auto", "webgpu", "webgl", "wasm", "helper", got string "cuda"'],
    [{ type: 'save-settings', settings: { ...DEFAULT_SETTINGS, strength: 2 } }, 'save-settings.settings.strength: expected number in 0..1, got number 2'],
    [{ type: 'place-tiles', requestId: 'r', width: 9000, height: 2, tiles: [{ png: new Uint8Array(1), x: 0, y: 0, width: 5000, height: 2 }], recipe }, 'place-tiles.tiles[0].width: expected integer in 1..4096, got number 5000']
  ]
  for (const [value, message] of cases) {
    assert.throws(() => parseUiToPlugin(value), (e: unknown) => e instanceof ValidationError && e.message === message, message)
  }
})

test('parsePluginToUi checks what the UI receives', () => {
  const ok = { type: 'placed', requestId: 'r', nodeId: '1:9', notice: null }
  assert.deepEqual(parsePluginToUi(ok), ok)
  assert.throws(() => parsePluginToUi({ type: 'image', requestId: 'r', nodeId: '1:2', png: [1, 2], width: 1, height: 1 }), /^ValidationError: image\.png: expected Uint8Array, got array$/)
  assert.throws(() => parsePluginToUi({ type: 'selection', content: null, styles: [{ id: '1', name: 'x', width: -1, height: 1 }], problem: null }), /selection\.styles\[0\]\.width: expected number >= 0, got number -1/)
})

test('one rule for unknown fields: a message refuses them, stored settings and recipes drop them', () => {
  assert.throws(() => parseUiToPlugin({ type: 'export', requestId: 'r', nodeId: '1:2', maxSide: 5, nodeID: '1:3' }), { message: 'export.nodeID: expected no such field, got string "1:3"' })
  assert.throws(() => parseUiToPlugin({ type: 'save-settings', settings: { ...DEFAULT_SETTINGS, stregth: 1 } }), { message: 'save-settings.settings.stregth: expected no such field, got number 1' })
  assert.throws(() => parseUiToPlugin({ type: 'place', requestId: 'r', png: new Uint8Array(1), width: 2, height: 2, recipe: { ...recipe, author: 'x' } }), { message: 'place.recipe.author: expected no such field, got string "x"' })
  // Stored: a recipe on a layer written by another version keeps its known fields.
  const stored = parseRecipe({ ...recipe, author: 'x', settings: { ...recipe.settings, retired: true } }, 'recipe')
  assert.deepEqual(stored, recipe)
})

test('the sandbox and the engine word a bad value the same way (plugin/schema.ts, models/style-transfer/schema.ts)', () => {
  const pluginSchema = pluginKit.object<{ a: number; b: 'x' | 'y' }>({ a: pluginKit.integer(1, 9), b: pluginKit.literal('x', 'y') })
  const engineSchema = engineKit.object({ a: engineKit.integer(1, 9), b: engineKit.literal('x', 'y') })
  const say = (kit: typeof pluginKit | typeof engineKit, value: unknown): string => {
    try {
      if (kit === pluginKit) pluginKit.parse(pluginSchema, value, 'm')
      else engineKit.parse(engineSchema, value, 'm', (m) => new Error(m))
      return 'ok'
    } catch (e) {
      return (e as Error).message
    }
  }
  for (const value of [{ a: 0, b: 'x' }, { a: 1, b: 'z' }, { b: 'x' }, { a: 1, b: 'x', c: [] }, [1], null, { a: 'big', b: 'x' }]) {
    assert.equal(say(engineKit, value), say(pluginKit, value), JSON.stringify(value))
  }
  assert.equal(say(engineKit, { b: 'x' }), 'm.a: expected integer in 1..9, got undefined')
})

test('requestIdOf finds the id of a message that failed to parse', () => {
  assert.equal(requestIdOf({ type: 'export', requestId: 'abc' }), 'abc')
  assert.equal(requestIdOf({ type: 'export', requestId: 5 }), null)
  assert.equal(requestIdOf('nope'), null)
})

test('mergeSettings keeps valid stored fields, drops invalid ones, fills missing ones', () => {
  assert.deepEqual(mergeSettings(undefined), DEFAULT_SETTINGS)
  assert.deepEqual(mergeSettings({ size: 1024, strength: 7, backend: 'webgl', unknown: 1 }), { ...DEFAULT_SETTINGS, size: 1024, backend: 'webgl' })
})

test('planTiles: fewest tiles, even sizes, all within 4096', () => {
  assert.deepEqual(planTiles(4096, 10), [{ x: 0, y: 0, width: 4096, height: 10 }])
  assert.deepEqual(planTiles(4097, 10).map((t) => t.width), [2049, 2048])
  assert.equal(planTiles(16384, 16384).length, 16)
  assert.equal(checkTileCover(16384, 16384, planTiles(16384, 16384)), null)
  assert.equal(checkTileCover(10, 10, [{ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 1, height: 1 }]), 'tiles[0] and tiles[1] overlap.')
  assert.equal(checkTileCover(10, 10, [{ x: 5, y: 0, width: 10, height: 10 }]), 'tiles[0] (5,0 10×10) lies outside the 10×10 image.')
})

test('readPngSize reads the IHDR size and rejects non-PNG bytes', () => {
  assert.deepEqual(readPngSize(renderPng(7, 3, 0)), { width: 7, height: 3 })
  assert.equal(readPngSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), null)
})

test('invalid messages from the UI are answered with error (with requestId when present), never thrown', async () => {
  const { fake } = start()
  await fake.sendFromUi('hello')
  assert.deepEqual(fake.lastMessage(), { type: 'error', requestId: null, message: 'The plugin received an invalid message: message: expected object, got string "hello"' })
  await fake.sendFromUi({ type: 'export', requestId: 'x1', nodeId: '1:2' })
  assert.deepEqual(fake.lastMessage(), { type: 'error', requestId: 'x1', message: 'The plugin received an invalid message: export.maxSide: expected integer in 1..16384, got undefined' })
  assert.equal(fake.toUi.length, 2)
})

test('one handler registration for the whole run, not replaced per request', async () => {
  const { fake } = start()
  const ui = fake.api['ui'] as { onmessage: unknown }
  const handler = ui.onmessage
  assert.equal(typeof handler, 'function')
  const layer = fake.add('RECTANGLE', { width: 8, height: 8 })
  await fake.sendFromUi({ type: 'export', requestId: 'a', nodeId: layer.id, maxSide: 8 })
  await fake.sendFromUi({ type: 'export', requestId: 'b', nodeId: layer.id, maxSide: 4 })
  assert.equal(ui.onmessage, handler)
  assert.deepEqual(fake.messagesOfType('image').map((m) => [m['requestId'], m['width']]), [['a', 8], ['b', 4]])
})

test('notify shows a toast; close closes the plugin', async () => {
  const { fake } = start()
  await fake.sendFromUi({ type: 'notify', message: 'Style transferred' })
  assert.deepEqual(fake.notifications.map((n) => n.message), ['Style transferred'])
  await fake.sendFromUi({ type: 'close' })
  assert.deepEqual(fake.closed, { message: undefined })
})
