// The settings of "Variations" (four small previews with four seeds): pure, shared by the run
// (run-variations-async.ts), the panel and the tests.
import type { Settings } from '../../plugin/messages.js'
import { PRESETS } from '../../models/style-transfer/index.js'
import { randomSeed } from './settings-to-options.js'

export const VARIATION_COUNT = 4
/** Long side of a preview: enough to judge the layout of the texture, a fraction of a full run. */
export const VARIATION_SIDE = 96
/**
 * Start-noise amplitude (0..1 pixel units) when the settings have none: the smooth noise of
 * models/style-transfer/start-noise.ts. Measured at 96 px on the public pairs (RMS of 4x-downscaled
 * results, test/engine/variation-distance.test.ts measures one pair): 0.15 puts Variations
 * 0.41-0.64 of the distance between two styles' results apart (white noise at 0.08: 0.08-0.20,
 * near-identical); 0.25 gives 0.62-0.82 but blotchier colour.
 */
export const VARIATION_NOISE = 0.15

/** Four seeds: consecutive from a fixed seed (reproducible), else random. */
export function variationSeeds(settings: Settings): number[] {
  const base = settings.seed
  return Array.from({ length: VARIATION_COUNT }, (_, i) => (base === null ? randomSeed() : (base + i) % 0x100000000))
}

/** The settings a variation's full-size run uses: the same seed and the same noise as its preview. */
export function pickedSettings(settings: Settings, seed: number): Settings {
  return { ...settings, seed, initNoise: noiseOf(settings) }
}

function noiseOf(settings: Settings): number {
  return settings.initNoise > 0 ? settings.initNoise : VARIATION_NOISE
}

/** A preview never costs more than the final: smaller side, draft steps or fewer, one scale. */
export function previewSettings(settings: Settings, seed: number): Settings {
  const first = settings.quality === 'custom' ? settings.steps : PRESETS[settings.quality].stepsFirst
  return {
    ...pickedSettings(settings, seed),
    size: Math.min(VARIATION_SIDE, settings.size),
    quality: 'custom',
    steps: Math.min(PRESETS.draft.stepsFirst, first)
  }
}
