// Shared test setup: a fresh fake figma with the plugin started on it, and message builders.
import { type FakeFigma, type FakeNode, installFakeFigma, renderPng } from '../fakes/figma.js'
import { DEFAULT_SETTINGS, type Recipe, recipeSettingsOf } from '../../plugin/messages.js'
import { type PluginState } from '../../plugin/plugin-state.js'
import { startPlugin } from '../../plugin/start-plugin.js'

export interface Started {
  fake: FakeFigma
  state: PluginState
}

export function start(options: { command?: string } = {}): Started {
  const fake = installFakeFigma(options)
  const state = startPlugin()
  return { fake, state }
}

export function recipeFor(content: FakeNode, styles: FakeNode[], seed = 42): Recipe {
  return {
    contentId: content.id,
    styleIds: styles.map((s) => s.id),
    settings: recipeSettingsOf(DEFAULT_SETTINGS),
    seed,
    engineVersion: '0.1.0'
  }
}

export function placeMessage(content: FakeNode, styles: FakeNode[], width: number, height: number, requestId = 'p1') {
  return { type: 'place', requestId, png: renderPng(width, height, 3), width, height, recipe: recipeFor(content, styles) }
}

/** The document with a content and a style layer inside a frame, plus a layer above them. */
export function twoLayerDocument(fake: FakeFigma) {
  const frame = fake.add('FRAME', { name: 'Board', x: 1000, y: 2000, width: 800, height: 600 })
  const below = fake.add('RECTANGLE', { name: 'Backdrop', parent: frame, x: 0, y: 0, width: 800, height: 600 })
  const content = fake.add('FRAME', { name: 'Photo', parent: frame, x: 40, y: 60, width: 300, height: 200 })
  const style = fake.add('RECTANGLE', { name: 'Starry Night', parent: frame, x: 400, y: 60, width: 120, height: 90 })
  const above = fake.add('TEXT', { name: 'Caption', parent: frame, x: 40, y: 300, width: 200, height: 20 })
  return { frame, below, content, style, above }
}
