// The user's settings: type, defaults and checks. Pure (no figma, no DOM) so the UI shares it.
// In a message (save-settings, settings) they are checked strictly; stored ones (clientStorage, a
// recipe in the document) go through the tolerant readers below.
import { type Schema, above, arrayOf, boolean, integer, isRecord, literal, nullable, object, parse, range, readFields, string } from './schema.js'

/**
 * Where the designer wants jobs to run: a tfjs backend in the panel (BrowserBackend), the paired
 * helper (whose own engines are helper/backend.ts's NodeBackend), or 'auto' (the panel chooses).
 */
export type RunsOn = 'auto' | BrowserBackend | 'helper'
/** The panel's presets (models/style-transfer/presets.ts, the one table) or 'custom' steps. */
export type Quality = 'draft' | 'standard' | 'high' | 'custom'
/** Mirrors the engine's ColorMode: 'preserve' keeps the content's colours, 'match' the style's palette matched to them. */
export type ColorMode = 'off' | 'preserve' | 'match'
/** Mirrors the engine's Optimizer. */
export type Optimizer = 'adam' | 'lbfgs'
/** A tfjs backend of the panel that really runs (never 'auto'); speed is measured per backend. */
export type BrowserBackend = 'webgpu' | 'webgl' | 'wasm'

/** Speed measured by the last runs on one backend, for the time promised before a run. */
export interface Speed {
  backend: BrowserBackend
  /** Milliseconds per pixel-iteration (one optimisation step on one pixel of one scale). */
  msPerPixelIteration: number
}

export interface Settings {
  /** Long side of the output image in pixels. */
  size: number
  /** Style strength, 0 (content only) .. 1 (style dominates); the UI maps it to the style weight. */
  strength: number
  /** Iteration preset; 'custom' uses `steps`. */
  quality: Quality
  /** Iterations per scale when quality is 'custom'. */
  steps: number
  /** Fixed seed, or null for a new random seed per run (the seed used is kept in the Recipe). */
  seed: number | null
  backend: RunsOn
  /** WebSocket address of the local helper. */
  helperUrl: string
  /** Pairing token printed by the helper ('' = not paired). */
  helperToken: string
  /** Where to fetch VGG weights when no helper is paired ('' = none; any static host with CORS *). */
  weightsUrl: string
  color: ColorMode
  /** Texture scale: style image long side = styleScale x the current scale's long side (0.25..2). */
  styleScale: number
  /** 0 (no smoothing) .. 1; 0.5 is the engine's default total-variation weight, log scale around it. */
  smoothness: number
  /** "Keep details", 0 (off) .. 1; 0.5 is the engine's default detail weight, log scale around it. */
  details: number
  /** One weight (0..1) per selected style layer, in selection order; missing entries count as 1. */
  styleWeights: number[]
  /** The engine's optimiser: Adam with iterate averaging (default) or L-BFGS (the paper's). */
  optimizer: Optimizer
  /** Amplitude of the seeded start noise (0: the seed changes nothing); Variations use > 0. */
  initNoise: number
  /** Last measured speed, or null before the first finished run. */
  speed: Speed | null
  /** Whether the panel's Advanced section is open: it stays as the designer left it. */
  advancedOpen: boolean
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  size: 512,
  strength: 0.5,
  quality: 'standard',
  steps: 100,
  seed: null,
  backend: 'auto',
  helperUrl: 'ws://localhost:8787',
  helperToken: '',
  weightsUrl: '',
  color: 'off',
  styleScale: 1,
  smoothness: 0.5,
  details: 0.5,
  styleWeights: [],
  optimizer: 'adam',
  initNoise: 0,
  speed: null,
  advancedOpen: false
})

// Mirrors the engine's MIN_SIDE/MAX_SIDE (ui/engine/defaults.ts); plugin/ must not import ui/.
export const MIN_OUTPUT_SIDE = 16
export const MAX_OUTPUT_SIDE = 16384
export const MAX_SEED = 0xffffffff

const settingsShape: { [K in keyof Settings]-?: Schema<Settings[K]> } = {
  size: integer(MIN_OUTPUT_SIDE, MAX_OUTPUT_SIDE),
  strength: range(0, 1),
  quality: literal('draft', 'standard', 'high', 'custom'),
  steps: integer(1, 10000),
  seed: nullable(integer(0, MAX_SEED)),
  backend: literal('auto', 'webgpu', 'webgl', 'wasm', 'helper'),
  helperUrl: string,
  helperToken: string,
  weightsUrl: string,
  color: literal('off', 'preserve', 'match'),
  styleScale: range(0.25, 2),
  smoothness: range(0, 1),
  details: range(0, 1),
  styleWeights: arrayOf(range(0, 1)),
  optimizer: literal('adam', 'lbfgs'),
  initNoise: range(0, 1),
  speed: nullable(object<Speed>({ backend: literal('webgpu', 'webgl', 'wasm'), msPerPixelIteration: above(0) })),
  advancedOpen: boolean
}
/** The settings inside a message: every field present and valid, no unknown field. */
export const settingsSchema = object<Settings>(settingsShape)

/**
 * The settings that change the picture, the only ones a recipe stores (it lives in the document's
 * plugin data, which travels with the file): never the pairing token, the helper's or the weights'
 * address, the backend, this machine's speed or how the designer left the panel.
 */
export type RecipeSettings = Omit<Settings, MachineKey>
const MACHINE_KEYS = ['backend', 'helperUrl', 'helperToken', 'weightsUrl', 'speed', 'advancedOpen'] as const
type MachineKey = (typeof MACHINE_KEYS)[number]

export function recipeSettingsOf(settings: Settings): RecipeSettings {
  return withoutMachineKeys(settings)
}

function withoutMachineKeys<T extends Record<MachineKey, unknown>>(o: T): Omit<T, MachineKey> {
  const out: Record<string, unknown> = { ...o }
  for (const key of MACHINE_KEYS) delete out[key]
  return out as Omit<T, MachineKey>
}

/** Strict: every field present and valid, no unknown field (used for messages). */
export function parseSettings(value: unknown, path: string): Settings {
  return parse(settingsSchema, value, path)
}

/**
 * Strict about every known field present, but fields added after a recipe was stored (colour,
 * texture scale...) take their defaults and fields since removed are dropped, so results made by
 * older versions can still be re-run.
 */
export function parseStoredSettings(value: unknown, path: string): Settings {
  if (!isRecord(value)) return parseSettings(value, path)
  const known: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  for (const key of Object.keys(settingsShape)) if (key in value) known[key] = value[key]
  return parseSettings(known, path)
}

/**
 * A recipe's settings: the picture's fields only. Older recipes stored every field, the token
 * included; those extra fields are dropped here, so they never reach the panel again.
 */
export function parseRecipeSettings(value: unknown, path: string): RecipeSettings {
  // A recipe without "Keep details" was made before the detail term existed (engine 0.2.0 and
  // older): re-run with it off, it re-creates that picture rather than a sharper one.
  const stored = isRecord(value) && !('details' in value) ? { ...value, details: 0 } : value
  return recipeSettingsOf(parseStoredSettings(stored, path))
}

/** A recipe's settings inside a message: exactly the picture's fields (see recipeSettingsOf). */
export const recipeSettingsSchema: Schema<RecipeSettings> = object<RecipeSettings>(withoutMachineKeys(settingsShape))

/**
 * Tolerant: defaults merged over whatever was stored. A field that is missing or no longer valid
 * (older schema, hand-edited storage) falls back to its default instead of losing every setting.
 */
export function mergeSettings(stored: unknown): Settings {
  return readFields(settingsShape, DEFAULT_SETTINGS, stored)
}
