// Maps the designer's settings to engine options, for the panel's engine and the helper alike.
// Defaults come from models/style-transfer/defaults.ts and the quality presets from its presets.ts;
// only what the panel controls is set here.
import { DEFAULT_OPTIONS, detailWeightOf, PRESETS, type StyleTransferOptions } from '../../models/style-transfer/index.js'
import type { Settings } from '../../plugin/messages.js'

/**
 * Strength 0..1 -> style weight. 0.5 is the engine default; each end is 20x stronger or weaker
 * (a log scale, because perceived strength follows the ratio of the losses); 0 means content only.
 */
export function styleWeightOf(strength: number): number {
  if (strength <= 0) return 0
  return DEFAULT_OPTIONS.styleWeight * Math.pow(20, (strength - 0.5) * 2)
}

/**
 * Smoothness 0..1 -> total-variation weight: 0.5 is the engine default (10), each end 10x stronger
 * or weaker (log scale: a visible change needs a change of the ratio, not of the difference); 0 =
 * none. The top stays at 100, as when the default was 1 and each end 100x.
 */
export function tvWeightOf(smoothness: number): number {
  if (smoothness <= 0) return 0
  return DEFAULT_OPTIONS.tvWeight * Math.pow(10, (smoothness - 0.5) * 2)
}

/**
 * One engine weight per style image, in the order the styles are sent. Weights missing from the
 * settings (a style layer added since) count as 1; all zero would leave no style, so it means equal.
 */
export function styleBlendOf(weights: readonly number[], styles: number): number[] {
  const blend = Array.from({ length: Math.max(1, styles) }, (_, i) => weights[i] ?? 1)
  return blend.every((w) => w <= 0) ? blend.map(() => 1) : blend
}

export function settingsToOptions(settings: Settings, seed: number, styles = 1): Partial<StyleTransferOptions> {
  const steps = settings.quality === 'custom'
    ? { first: settings.steps, later: settings.steps }
    : { first: PRESETS[settings.quality].stepsFirst, later: PRESETS[settings.quality].steps }
  return {
    size: settings.size,
    // A run smaller than the engine's first scale is a single scale.
    minSize: Math.min(DEFAULT_OPTIONS.minSize, settings.size),
    stepsFirst: steps.first,
    steps: steps.later,
    styleWeight: styleWeightOf(settings.strength),
    tvWeight: tvWeightOf(settings.smoothness),
    detailWeight: detailWeightOf(settings.details),
    styleScale: settings.styleScale,
    styleBlend: styleBlendOf(settings.styleWeights, styles),
    color: settings.color,
    optimizer: settings.optimizer,
    initNoise: settings.initNoise,
    seed,
    // "Every few iterations", but at least once per scale even for very short runs.
    previewEvery: Math.max(1, Math.min(5, steps.later, steps.first))
  }
}

/** A new random seed (settings.seed null); the seed used is kept in the recipe. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0
}
