// Settings gained colour, texture scale, smoothness, style weights, start noise and speed: what was
// stored before (clientStorage, recipes on result layers) must stay readable.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_SETTINGS, mergeSettings, parseRecipe, parseSettings, recipeSettingsOf } from '../../plugin/messages.js'

const OLD = { size: 1024, strength: 0.8, quality: 'high', steps: 100, seed: 3, backend: 'wasm', helperUrl: 'ws://localhost:8787', helperToken: '', weightsUrl: '' }

test('a recipe stored before the new controls still parses, with their defaults', () => {
  const recipe = parseRecipe({ contentId: '1:2', styleIds: ['1:3'], settings: OLD, seed: 3, engineVersion: '0.1.0' }, 'recipe')
  // Made before the detail term: it re-runs with "Keep details" off, so the picture comes back.
  assert.deepEqual(recipe.settings, recipeSettingsOf({ ...DEFAULT_SETTINGS, ...OLD, details: 0 } as typeof DEFAULT_SETTINGS))
  assert.equal(recipe.settings.strength, 0.8)
  const current = parseRecipe({ contentId: '1:2', styleIds: ['1:3'], settings: recipeSettingsOf({ ...DEFAULT_SETTINGS, details: 0.8 }), seed: 3, engineVersion: '0.3.0' }, 'recipe')
  assert.equal(current.settings.details, 0.8)
})

test('a recipe keeps only what changes the picture: never the token, addresses, backend or speed', () => {
  const secret = 'f3a9c2e4b5d6a7b8c9d0e1f2a3b4c5d6'
  const settings = { ...DEFAULT_SETTINGS, helperToken: secret, helperUrl: 'ws://127.0.0.1:9999', weightsUrl: 'https://example.test/w/', backend: 'helper' as const, speed: { backend: 'wasm' as const, msPerPixelIteration: 0.01 } }
  const fresh = recipeSettingsOf(settings)
  assert.deepEqual(Object.keys(fresh).sort(), ['color', 'details', 'initNoise', 'optimizer', 'quality', 'seed', 'size', 'smoothness', 'steps', 'strength', 'styleScale', 'styleWeights'])
  // A recipe written by an older version with the whole settings object: the token is dropped on read.
  const old = parseRecipe({ contentId: '1:2', styleIds: ['1:3'], settings, seed: 3, engineVersion: '0.2.0' }, 'recipe')
  const json = JSON.stringify(old)
  assert.ok(!json.includes(secret) && !json.includes('9999') && !json.includes('example.test'), json)
  assert.equal(old.settings.size, DEFAULT_SETTINGS.size)
})

test('stored settings from before keep their values; the new fields take defaults', () => {
  assert.deepEqual(mergeSettings(OLD), { ...DEFAULT_SETTINGS, ...OLD })
})

test('the new fields are checked', () => {
  const ok = { ...DEFAULT_SETTINGS, color: 'preserve', styleScale: 0.5, smoothness: 0, styleWeights: [1, 0.25], initNoise: 0.08, speed: { backend: 'wasm', msPerPixelIteration: 0.01 } }
  assert.deepEqual(parseSettings(ok, 's'), ok)
  assert.throws(() => parseSettings({ ...ok, color: 'sepia' }, 's'), /s\.color: expected one of "off", "preserve", "match"/)
  assert.throws(() => parseSettings({ ...ok, styleScale: 3 }, 's'), /s\.styleScale: expected number in 0\.25\.\.2/)
  assert.throws(() => parseSettings({ ...ok, details: 1.5 }, 's'), /s\.details: expected number in 0\.\.1/)
  assert.throws(() => parseSettings({ ...ok, styleWeights: [1, 2] }, 's'), /s\.styleWeights\[1\]: expected number in 0\.\.1/)
  assert.throws(() => parseSettings({ ...ok, speed: { backend: 'auto', msPerPixelIteration: 1 } }, 's'), /s\.speed\.backend/)
  assert.throws(() => parseSettings({ ...ok, speed: { backend: 'wasm', msPerPixelIteration: 0 } }, 's'), /s\.speed\.msPerPixelIteration: expected number > 0/)
  assert.deepEqual(mergeSettings({ ...ok, styleScale: 9 }), { ...ok, styleScale: 1 })
})
