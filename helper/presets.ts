import type { StyleTransferOptions } from '../models/style-transfer/types.js'

/** Quality presets: iterations at the first and at later scales. Size is chosen separately. */
export const PRESETS = {
  quick: { stepsFirst: 40, steps: 20 },
  balanced: { stepsFirst: 100, steps: 50 },
  best: { stepsFirst: 200, steps: 100 }
} as const satisfies Record<string, Partial<StyleTransferOptions>>

export type PresetName = keyof typeof PRESETS
