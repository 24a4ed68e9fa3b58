// The user's settings: type, defaults and checks. Pure (no figma, no DOM) so the UI shares it.
import { type Check, integer, isRecord, literal, nullable, object, range, string } from './validate.js'

export type Backend = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'helper'
export type Quality = 'draft' | 'standard' | 'high' | 'custom'

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
  backend: Backend
  /** WebSocket address of the local helper. */
  helperUrl: string
  /** Pairing token printed by the helper ('' = not paired). */
  helperToken: string
  /** Where to fetch VGG weights when no helper is paired ('' = none; any static host with CORS *). */
  weightsUrl: string
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
  weightsUrl: ''
})

// Mirrors the engine's MIN_SIDE/MAX_SIDE (ui/engine/defaults.ts); plugin/ must not import ui/.
export const MIN_OUTPUT_SIDE = 16
export const MAX_OUTPUT_SIDE = 16384
export const MAX_SEED = 0xffffffff

const settingsChecks: { [K in keyof Settings]-?: Check<Settings[K]> } = {
  size: integer(MIN_OUTPUT_SIDE, MAX_OUTPUT_SIDE),
  strength: range(0, 1),
  quality: literal('draft', 'standard', 'high', 'custom'),
  steps: integer(1, 10000),
  seed: nullable(integer(0, MAX_SEED)),
  backend: literal('auto', 'webgpu', 'webgl', 'wasm', 'helper'),
  helperUrl: string,
  helperToken: string,
  weightsUrl: string
}

/** Strict: every field present and valid (used for messages). */
export const parseSettings: Check<Settings> = object<Settings>(settingsChecks)

/**
 * Tolerant: defaults merged over whatever was stored. A field that is missing or no longer valid
 * (older schema, hand-edited storage) falls back to its default instead of losing every setting.
 */
export function mergeSettings(stored: unknown): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS }
  if (!isRecord(stored)) return out
  for (const key of Object.keys(settingsChecks) as (keyof Settings)[]) {
    if (!(key in stored)) continue
    try {
      assign(out, key, settingsChecks[key](stored[key], key))
    } catch {
      // Keep the default for this one field; the others still count.
    }
  }
  return out
}

function assign<K extends keyof Settings>(target: Settings, key: K, value: Settings[K]): void {
  target[key] = value
}
