// The engine's options, declared once: the type (StyleTransferOptions), the checks resolveOptions
// runs, and the helper's job options (helper/protocol: every field optional, types checked on the
// wire, ranges here) all come from OPTION_FIELDS. DEFAULT_OPTIONS (defaults.ts) fills what a caller
// leaves out.
import { CONV_LAYERS } from '../vgg19/layers.js'
import type { ConvLayerName } from '../vgg19/types.js'
import { MAX_SIDE, MIN_SIDE } from './defaults.js'
import { type OutputOf, arrayOf, integer, literal, partialTypes, range } from './schema.js'

const layer = literal(...(CONV_LAYERS as readonly ConvLayerName[]))
/** Several styles blend; more than this many is a mistake, not a picture. */
export const MAX_STYLES = 64
const weight = range(0, 1e9)

export const OPTION_FIELDS = {
  /** Long side of the output in pixels. */
  size: integer(MIN_SIDE, MAX_SIDE),
  /** Long side of the first (coarsest) scale; scales grow by sqrt(2) up to `size`. */
  minSize: integer(MIN_SIDE, MAX_SIDE),
  /** Iterations at the first scale. */
  stepsFirst: integer(0, 100000),
  /** Iterations at every later scale. */
  steps: integer(0, 100000),
  /**
   * Later scales whose long side is above this get fewer iterations, in proportion to their pixel
   * count (see planRun), so each costs about what one at this side costs. 0: all get `steps`.
   */
  fullStepsSide: integer(0, MAX_SIDE),
  contentWeight: weight,
  styleWeight: weight,
  tvWeight: weight,
  /** Laplacian detail term (terms/detail.ts); 0 turns it off. */
  detailWeight: weight,
  contentLayer: layer,
  styleLayers: arrayOf(layer, 1, CONV_LAYERS.length),
  /** Relative weight of each style layer, same order as styleLayers; normalised to sum 1. */
  styleLayerWeights: arrayOf(weight, 1, CONV_LAYERS.length),
  /** Relative weight of each style image (several styles blend their statistics). */
  styleBlend: arrayOf(weight, 1, MAX_STYLES),
  /** Style images are resized so their long side is styleScale * the current scale's long side. */
  styleScale: range(0.1, 4),
  pooling: literal('max', 'average'),
  /**
   * 'off': colours come from the style; 'preserve': luminance-only transfer, the content keeps its
   * colours; 'match': the style's colours are matched to the content's before transfer.
   */
  color: literal('off', 'preserve', 'match'),
  optimizer: literal('adam', 'lbfgs'),
  /** Adam step size in 0..1 pixel units. */
  learningRate: range(1e-6, 1),
  /** Decay of the exponential moving average of the iterates (0 disables averaging). */
  emaDecay: range(0, 0.9999),
  /** Amplitude (0..1 pixel units) of seeded uniform noise added to the start image. */
  initNoise: range(0, 1),
  /**
   * Each scale is optimised on a canvas this share of its long side wider on every side, the
   * content mirrored into it, and cropped back (style-transfer.ts edgeMarginAt: small scales get more, up to 8 px);
   * 0: no margin.
   */
  edgeMargin: range(0, 0.25),
  seed: integer(0, 2 ** 32 - 1),
  /** A preview image is sent every this many iterations (0: only at the end of each scale). */
  previewEvery: integer(0, 100000)
}

/** Every knob of a run. All fields are optional on input; `resolveOptions` fills and checks them. */
export type StyleTransferOptions = OutputOf<typeof OPTION_FIELDS>
export type ColorMode = StyleTransferOptions['color']
export type Optimizer = StyleTransferOptions['optimizer']

/**
 * The options a client may send the helper: any engine option, each optional, checked for its type
 * on the wire (helper/protocol) and for its range by resolveOptions when the job is submitted.
 */
export const JOB_OPTIONS_SCHEMA = partialTypes(OPTION_FIELDS)
export type JobOptions = Partial<StyleTransferOptions>
