// The quality presets, one table for the panel (Settings > Quality) and the command line
// (`--preset`): iterations at the first scale and at every later one. Size is chosen separately.
import { DEFAULT_OPTIONS } from './defaults.js'
import type { StyleTransferOptions } from './options.js'

export const PRESETS = {
  draft: { stepsFirst: 40, steps: 20 },
  standard: { stepsFirst: DEFAULT_OPTIONS.stepsFirst, steps: DEFAULT_OPTIONS.steps },
  high: { stepsFirst: 200, steps: 100 }
} as const satisfies Record<string, Pick<StyleTransferOptions, 'stepsFirst' | 'steps'>>

export type PresetName = keyof typeof PRESETS
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[]

/** The command line's former names, still accepted. */
const ALIASES: Readonly<Record<string, PresetName>> = { quick: 'draft', balanced: 'standard', best: 'high' }

/** The preset called `name` (a panel name or a former CLI alias), or null. */
export function presetNamed(name: string): PresetName | null {
  if (Object.hasOwn(PRESETS, name)) return name as PresetName
  return Object.hasOwn(ALIASES, name) ? ALIASES[name]! : null
}
