// THE plugin <-> UI message contract, one discriminated union per direction, with runtime parsers.
// Pure (no figma, no DOM): the UI imports this file too. Every message from the other side goes
// through a parser before use; a ValidationError names the bad field (`place.png: expected
// Uint8Array, got string "AAAA"`). Messages refuse unknown fields; a recipe read back from a layer
// goes through the tolerant parseRecipe instead.
import { type RecipeSettings, type Settings, MAX_OUTPUT_SIDE, MAX_SEED, parseRecipeSettings, recipeSettingsSchema, settingsSchema } from './settings.js'
import { type TileRect, MAX_IMAGE_SIDE } from './tiles.js'
import {
  type Schema, ValidationError, above, arrayOf, bytes, describe, integer, isRecord, literal, nonEmptyString, nullable, object, parse, string
} from './schema.js'

export type { Settings, RunsOn, ColorMode, Optimizer, Quality, RecipeSettings, BrowserBackend, Speed } from './settings.js'
export { DEFAULT_SETTINGS, mergeSettings, parseSettings, parseStoredSettings, recipeSettingsOf } from './settings.js'
export { MAX_IMAGE_SIDE, planTiles, type TileRect } from './tiles.js'
export { ValidationError } from './schema.js'

/** A layer as the UI sees it; width/height in canvas units (what Figma shows in the inspector). */
export interface LayerInfo {
  id: string
  name: string
  width: number
  height: number
}

/** How a result was made; stored as JSON in plugin data 'recipe' on the result layer. */
export interface Recipe {
  contentId: string
  styleIds: string[]
  /** Only what changes the picture: no token, no addresses (see RecipeSettings). */
  settings: RecipeSettings
  /** The seed actually used (settings.seed may be null = random). */
  seed: number
  engineVersion: string
}

/**
 * One piece of a result larger than MAX_IMAGE_SIDE, placed as its own rectangle; x/y/width/height in
 * result-image pixels. Not the engine's compute Tile (models/style-transfer/tiles.ts), which has margins.
 */
export interface ResultTile extends TileRect {
  png: Uint8Array
}

// ---- UI -> plugin -------------------------------------------------------------------------------

export type UiToPlugin =
  /** The UI is listening: the plugin answers with settings, selection and (on rerun) recipe. */
  | { type: 'ready' }
  /** Make this selected layer the content; the others become styles. */
  | { type: 'set-content'; nodeId: string }
  /** Export one layer as PNG, long side <= maxSide. Answered by `image` or `error`. */
  | { type: 'export'; requestId: string; nodeId: string; maxSide: number }
  /** Place a result of at most MAX_IMAGE_SIDE per side. Answered by `placed` or `error`. */
  | { type: 'place'; requestId: string; png: Uint8Array; width: number; height: number; recipe: Recipe }
  /** Place a larger result cut into tiles (see planTiles). Answered by `placed` or `error`. */
  | { type: 'place-tiles'; requestId: string; width: number; height: number; tiles: ResultTile[]; recipe: Recipe }
  | { type: 'save-settings'; settings: Settings }
  /** Show a Figma toast (Figma truncates it at 100 characters). */
  | { type: 'notify'; message: string }
  | { type: 'close' }

// ---- plugin -> UI -------------------------------------------------------------------------------

export type PluginToUi =
  /** Sent on ready and on every selection change. problem !== null: the Transfer button is disabled. */
  | { type: 'selection'; content: LayerInfo | null; styles: LayerInfo[]; problem: string | null }
  /** width/height are the PNG's pixel size. */
  | { type: 'image'; requestId: string; nodeId: string; png: Uint8Array; width: number; height: number }
  /** nodeId: the new rectangle (or group of tiles). notice: a sentence to show, e.g. content deleted. */
  | { type: 'placed'; requestId: string; nodeId: string; notice: string | null }
  | { type: 'settings'; settings: Settings }
  /** Sent after ready when the plugin was relaunched with "Re-run style transfer". */
  | { type: 'recipe'; recipe: Recipe }
  /** requestId: the request that failed, or null (bad message without an id, rerun problems...). */
  | { type: 'error'; requestId: string | null; message: string }

export type UiToPluginType = UiToPlugin['type']
export type PluginToUiType = PluginToUi['type']
export type UiMessage<K extends UiToPluginType> = Extract<UiToPlugin, { type: K }>
export type PluginMessage<K extends PluginToUiType> = Extract<PluginToUi, { type: K }>

// ---- parsers -------------------------------------------------------------------------------------

const side = integer(1, MAX_OUTPUT_SIDE)

const layerInfo = object<LayerInfo>({ id: string, name: string, width: above(0, true), height: above(0, true) })

const recipeShape = {
  contentId: nonEmptyString,
  styleIds: arrayOf(nonEmptyString, 1),
  seed: integer(0, MAX_SEED),
  engineVersion: string
}
/** A recipe inside a message: exactly its fields, settings included (the panel builds it now). */
const recipeSchema = object<Recipe>({ ...recipeShape, settings: recipeSettingsSchema })

/**
 * A recipe read back from a result layer. Recipes outlive versions: its own fields must be valid,
 * unknown ones are dropped, and its settings go through the stored-settings reader (fields added
 * since take their defaults, machine fields are dropped).
 */
export function parseRecipe(value: unknown, path: string): Recipe {
  if (!isRecord(value)) return parse(recipeSchema, value, path)
  const settings = parseRecipeSettings(value['settings'], `${path}.settings`)
  const own = Object.fromEntries(Object.keys(recipeShape).filter((k) => k in value).map((k) => [k, value[k]]))
  return parse(recipeSchema, { ...own, settings }, path)
}

const tile = object<ResultTile>({
  png: bytes,
  x: integer(0, MAX_OUTPUT_SIDE),
  y: integer(0, MAX_OUTPUT_SIDE),
  width: integer(1, MAX_IMAGE_SIDE),
  height: integer(1, MAX_IMAGE_SIDE)
})

const uiToPlugin: { [K in UiToPluginType]: Schema<UiMessage<K>> } = {
  ready: object<UiMessage<'ready'>>({ type: literal('ready') }),
  'set-content': object<UiMessage<'set-content'>>({ type: literal('set-content'), nodeId: nonEmptyString }),
  export: object<UiMessage<'export'>>({
    type: literal('export'), requestId: nonEmptyString, nodeId: nonEmptyString, maxSide: side
  }),
  place: object<UiMessage<'place'>>({
    type: literal('place'),
    requestId: nonEmptyString,
    png: bytes,
    // A single image must be one createImage call; larger results go as place-tiles.
    width: integer(1, MAX_IMAGE_SIDE),
    height: integer(1, MAX_IMAGE_SIDE),
    recipe: recipeSchema
  }),
  'place-tiles': object<UiMessage<'place-tiles'>>({
    type: literal('place-tiles'),
    requestId: nonEmptyString,
    width: side,
    height: side,
    tiles: arrayOf(tile, 1),
    recipe: recipeSchema
  }),
  'save-settings': object<UiMessage<'save-settings'>>({ type: literal('save-settings'), settings: settingsSchema }),
  notify: object<UiMessage<'notify'>>({ type: literal('notify'), message: string }),
  close: object<UiMessage<'close'>>({ type: literal('close') })
}

const pluginToUi: { [K in PluginToUiType]: Schema<PluginMessage<K>> } = {
  selection: object<PluginMessage<'selection'>>({
    type: literal('selection'), content: nullable(layerInfo), styles: arrayOf(layerInfo), problem: nullable(string)
  }),
  image: object<PluginMessage<'image'>>({
    type: literal('image'), requestId: nonEmptyString, nodeId: nonEmptyString, png: bytes, width: side, height: side
  }),
  placed: object<PluginMessage<'placed'>>({
    type: literal('placed'), requestId: nonEmptyString, nodeId: nonEmptyString, notice: nullable(string)
  }),
  settings: object<PluginMessage<'settings'>>({ type: literal('settings'), settings: settingsSchema }),
  recipe: object<PluginMessage<'recipe'>>({ type: literal('recipe'), recipe: recipeSchema }),
  error: object<PluginMessage<'error'>>({ type: literal('error'), requestId: nullable(string), message: string })
}

/** Picks the message's schema by its type, then checks it with the type as the path's root. */
function parseUnion<M>(schemas: Record<string, Schema<unknown>>, value: unknown): M {
  if (!isRecord(value)) throw new ValidationError(`message: expected object, got ${describe(value)}`)
  const type = parse(literal(...(Object.keys(schemas) as [string, ...string[]])), value['type'], 'message.type')
  return parse(schemas[type]!, value, type) as M
}

/** Used by the sandbox on every message from the UI. Throws ValidationError naming the bad field. */
export function parseUiToPlugin(value: unknown): UiToPlugin {
  return parseUnion<UiToPlugin>(uiToPlugin, value)
}

/** Used by the UI on every message from the sandbox. Throws ValidationError naming the bad field. */
export function parsePluginToUi(value: unknown): PluginToUi {
  return parseUnion<PluginToUi>(pluginToUi, value)
}

/** The requestId of a message that failed to parse, so the error can still be matched to it. */
export function requestIdOf(value: unknown): string | null {
  return isRecord(value) && typeof value['requestId'] === 'string' ? value['requestId'] : null
}
