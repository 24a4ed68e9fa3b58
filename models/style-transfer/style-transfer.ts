import * as tf from '@tensorflow/tfjs-core'
import { combineLuminance, luminanceImage, matchColours } from './color.js'
import { alphaChannel, checkImage, resize, resizeAlpha, rgbTensor, toRgbaImage } from './image-tensor.js'
import { createTfjsObjective, EvaluationAborted, type Objective, type ObjectiveFactory } from './objective.js'
import { createAdam, createLbfgs, IterateAverage, type Stepper } from './optimizers.js'
import { MIN_SIDE } from './defaults.js'
import { resolveOptions } from './resolve-options.js'
import { addStartNoise } from './start-noise.js'
import { createTiledTfjsObjective } from './tiled-objective.js'
import { yieldToEventLoop } from './tile-ops.js'
import type { TileConfig } from './tiles.js'
import { generateScales, sizeToFit } from './schedule.js'
import type { ConvLayerName, Progress, RgbaImage, RunCallbacks, RunResult, StyleTransferOptions, VggWeights } from './types.js'
import { createVgg19Features, type ConvGradMode } from '../vgg19/features.js'

export interface StyleTransfer {
  /**
   * Runs the optimisation. Resolves with the (averaged) image at the requested size; when the
   * signal aborts, resolves early with the best image so far and `stopped: true`.
   */
  stylizeAsync(content: RgbaImage, styles: readonly RgbaImage[], options?: Partial<StyleTransferOptions>, callbacks?: RunCallbacks): Promise<RunResult>
  dispose(): void
}

export interface StyleTransferInit {
  convGrad?: ConvGradMode
  /** Deepest VGG layer any run may use (default conv5_1, the deepest Gatys style layer). */
  deepest?: ConvLayerName
  /** Replaces the tfjs loss/gradient evaluation (e.g. a native graph); the loop stays the same. */
  objective?: ObjectiveFactory
  /**
   * Scales larger than one pass of this size are evaluated in tiles with whole-image statistics
   * (tiled-objective.ts). Null or absent: always one pass. Ignored with an injected objective.
   */
  tile?: TileConfig | null
  /** Clock for elapsed time and ETA (injectable for tests). */
  now?: () => number
}

export interface Plan {
  /** Each scale's visible size, its iterations and the mirrored margin it is optimised with. */
  scales: Array<{ width: number; height: number; iterations: number; margin: number }>
  total: number
}

/**
 * The margin of a scale, in its pixels. Without one the outermost lines of every result stray
 * from the content's (a frame 1-2 px wide, light or dark): a pixel on the border is in fewer of
 * VGG's windows than one inside, so the style term moves it more freely, and zero padding in the
 * convolutions adds its own edge. Reflect padding of VGG's input did not remove it (measured,
 * frame deviation in 0..255 levels, 256 px, 11.2 / 11.4 / 13.1 -> 13.5 / 10.2 / 11.7 on the
 * public pairs); nor did leaving the outer feature lines out of the Grams. Optimising a wider
 * canvas (content mirrored, edge included, into the margin) and cropping it does: the border
 * pixels become inner ones, and what strays is cropped away. Clamped so the mirror fits.
 */
export function edgeMarginAt(width: number, height: number, o: StyleTransferOptions): number {
  if (o.edgeMargin === 0) return 0
  const long = Math.max(width, height)
  const share = Math.round(o.edgeMargin * long)
  return Math.min(width, height, Math.max(share, Math.min(MIN_EDGE_MARGIN, 2 * share)))
}

/**
 * What strays is a few pixels wide at any size, so small scales get up to this many pixels, but
 * at most twice their share: measured on one 128 px scale, 4 px left most of the frame (14.6 ->
 * 10.9 levels), 8 px removed it (4.8, lines inside 6.2); on a 48 px test image 8 px more than
 * doubled the canvas and changed what the sliders do.
 */
export const MIN_EDGE_MARGIN = 8

/** Fewest iterations a shortened top scale gets: below this Adam's average has not settled. */
export const MIN_TOP_STEPS = 10

/**
 * Iterations at a later scale of long side `long`. Above `fullStepsSide` each step costs about
 * (long / fullStepsSide)² times one at that side, while the warm start from the scale below already
 * carries the style's statistics (Gatys et al. 2017, coarse-to-fine): the top scales only add
 * detail, so they get the same pixel-iterations budget as a scale of fullStepsSide.
 */
function stepsAt(long: number, o: StyleTransferOptions): number {
  if (o.fullStepsSide <= 0 || long <= o.fullStepsSide) return o.steps
  return Math.min(o.steps, Math.max(MIN_TOP_STEPS, Math.round(o.steps * (o.fullStepsSide / long) ** 2)))
}

/** The scales and iterations a run will make, without running it. */
export function planRun(width: number, height: number, o: StyleTransferOptions, startLong = 0): Plan {
  const all = generateScales(o.minSize, o.size).map((long, i) => {
    const [w, h] = sizeToFit(width, height, long, MIN_SIDE)
    return { width: w, height: h, iterations: i === 0 ? o.stepsFirst : stepsAt(long, o), margin: edgeMarginAt(w, h, o) }
  })
  // Going on from an image of long side startLong: the scales below it are already done (one
  // larger than every scale leaves the last one).
  const from = all.findIndex((s) => Math.max(s.width, s.height) >= startLong)
  const scales = startLong <= 0 ? all : all.slice(from === -1 ? all.length - 1 : from)
  return { scales, total: scales.reduce((a, s) => a + s.iterations, 0) }
}

export function createStyleTransfer(weights: VggWeights, init: StyleTransferInit = {}): StyleTransfer {
  // tfjs-core ships gradients apart from ops; the host registers them (the browser imports
  // '@tensorflow/tfjs-core/dist/register_all_gradients', Node loads '@tensorflow/tfjs').
  if (init.objective === undefined && tf.getGradient(tf.Conv2D) === undefined) {
    throw new Error('tfjs gradients are not registered: import @tensorflow/tfjs-core/dist/register_all_gradients (browser) or @tensorflow/tfjs (Node) first')
  }
  // With an injected objective the tfjs feature extractor is never built (it would hold a second
  // copy of the weights for nothing).
  const vgg = init.objective === undefined ? createVgg19Features(weights, { convGrad: init.convGrad ?? 'rewrite', deepest: [init.deepest ?? 'conv5_1'] }) : null
  const makeObjective = init.objective ?? (init.tile == null
    ? createTfjsObjective(vgg as NonNullable<typeof vgg>)
    : createTiledTfjsObjective(vgg as NonNullable<typeof vgg>, init.tile))
  const now = init.now ?? (() => Date.now())
  let disposed = false

  /**
   * `present` turns an optimised image into what the caller sees; previews and the result both go
   * through it, so a preview looks like the result will (luminance-only transfer puts the
   * content's chroma back here).
   */
  const run = async (content: RgbaImage, styles: readonly RgbaImage[], o: StyleTransferOptions, callbacks: RunCallbacks,
    present: (image: RgbaImage) => Promise<RgbaImage> = async (image) => image): Promise<RunResult> => {
    const { signal, onProgress, onPreview, startFrom } = callbacks
    const plan = planRun(content.width, content.height, o, startFrom === undefined ? 0 : Math.max(startFrom.width, startFrom.height))
    const last = plan.scales[plan.scales.length - 1] as Plan['scales'][number]
    const alpha = alphaChannel(content)
    const start = now()
    // Cost model for the ETA: time per (pixel x iteration), measured as the run goes.
    const pixelIterationsTotal = plan.scales.reduce((a, s) => a + canvasPixels(s) * s.iterations, 0)
    let pixelIterationsDone = 0
    let done = 0

    // Transparency: alpha planes as [1, H, W, 1] masks in 0..1 (null when fully opaque), so that
    // transparent pixels neither pull the content term nor enter any Gram matrix. Whatever colour
    // hides under alpha 0 is replaced by the mean visible colour first: the receptive fields of
    // deep layers reach across the edge, and hidden noise would otherwise leak in.
    // Built one by one, so that a failure part-way (a huge image out of memory) frees what was made.
    const made: tf.Tensor[] = []
    const kept = <T extends tf.Tensor | null>(t: T): T => { if (t !== null) made.push(t); return t }
    let contentAlphaFull: tf.Tensor4D | null, styleAlphaFull: Array<tf.Tensor4D | null>, contentFull: tf.Tensor4D, styleFull: tf.Tensor4D[]
    try {
      contentAlphaFull = kept(alphaTensor(alpha, content.width, content.height))
      styleAlphaFull = styles.map((s) => kept(alphaTensor(alphaChannel(s), s.width, s.height)))
      contentFull = kept(fillHidden(rgbTensor(content), contentAlphaFull))
      styleFull = styles.map((s, i) => kept(fillHidden(rgbTensor(s), styleAlphaFull[i] ?? null)))
    } catch (e) {
      tf.dispose(made)
      throw e
    }
    const masked = contentAlphaFull !== null || styleAlphaFull.some((a) => a !== null)
    if (masked && makeObjective.supportsMasks !== true) {
      tf.dispose([contentFull, ...styleFull, ...[contentAlphaFull, ...styleAlphaFull].filter((t): t is tf.Tensor4D => t !== null)])
      throw new Error('this loss evaluator cannot mask transparent pixels; use the tfjs objective for images with alpha')
    }
    let contentMask: tf.Tensor4D | null = null
    const stepper: Stepper = o.optimizer === 'adam' ? createAdam(o.learningRate) : createLbfgs()
    const average = new IterateAverage(o.optimizer === 'adam' ? o.emaDecay : 0)
    let best: tf.Tensor4D | null = null
    let objective: Objective | null = null
    let x: tf.Tensor4D | null = null
    let stopped = false

    try {
      for (let si = 0; si < plan.scales.length && !stopped; si++) {
        const scale = plan.scales[si] as Plan['scales'][number]
        const { width, height, margin } = scale
        // The canvas: the visible scale plus the mirrored margin on every side (edgeMarginAt).
        const widen = (t: tf.Tensor4D): tf.Tensor4D => withMargin(t, margin)
        const contentAt = widen(resize(contentFull, height, width))
        // Freed however the preparation ends: a scale that fails to prepare (out of memory) must
        // not leave its content on the heap for the next run.
        try {
          const styleLong = Math.max(MIN_SIDE, Math.round(o.styleScale * Math.max(width, height)))
          const stylesAt = styleFull.map((s, i) => {
            const [sw, sh] = sizeToFit(styles[i]!.width, styles[i]!.height, styleLong, MIN_SIDE)
            return resize(s, sh, sw)
          })
          contentMask?.dispose()
          contentMask = contentAlphaFull === null ? null : widen(resize(contentAlphaFull, height, width))
          const styleMasks = styleAlphaFull.map((a, i) => (a === null ? null : resize(a, stylesAt[i]!.shape[1], stylesAt[i]!.shape[2])))
          try {
            objective = await makeObjective({ content: contentAt, styles: stylesAt, options: o, contentMask, styleMasks, signal })
          } finally {
            for (const s of stylesAt) s.dispose()
            for (const m of styleMasks) m?.dispose()
          }
          x?.dispose()
          if (best === null && startFrom !== undefined) {
            x = tf.tidy(() => widen(resize(rgbTensor(startFrom), height, width)))
          } else if (best === null) {
            x = o.initNoise > 0 ? addStartNoise(contentAt, o.initNoise, o.seed) : tf.clone(contentAt)
          } else {
            const prev: tf.Tensor4D = best
            x = widen(resize(prev, height, width))
          }
        } finally {
          contentAt.dispose()
        }
        stepper.resize(x.shape)
        average.reset()

        for (let it = 1; it <= scale.iterations; it++) {
          // Let the host's event loop run (signals, socket messages, UI input): on wasm and cpu
          // every await here resolves as a microtask, which would starve it for the whole run.
          await yieldToEventLoop()
          if (signal?.aborted === true) {
            stopped = true
            break
          }
          let r
          try {
            r = await stepper.step(x, objective.evaluate)
          } catch (e) {
            // A long (tiled) evaluation gave up on the signal: keep the last image, as a Stop
            // between iterations does.
            if (e instanceof EvaluationAborted) { stopped = true; break }
            throw e
          }
          x.dispose()
          x = r.x as tf.Tensor4D
          average.update(x)
          done += 1
          pixelIterationsDone += canvasPixels(scale)
          const elapsedMs = now() - start
          const progress: Progress = {
            scale: si + 1, scales: plan.scales.length, width, height,
            iteration: it, iterations: scale.iterations, done, total: plan.total,
            loss: r.loss, parts: r.parts, elapsedMs,
            etaMs: (elapsedMs / pixelIterationsDone) * (pixelIterationsTotal - pixelIterationsDone)
          }
          onProgress?.(progress)
          const previewDue = o.previewEvery > 0 ? it % o.previewEvery === 0 : it === scale.iterations
          if (onPreview !== undefined && previewDue) {
            const avg = withoutMargin(average.value(x) as tf.Tensor4D, margin)
            try {
              onPreview(await present(await toRgbaImage(avg, null)), progress)
            } finally {
              avg.dispose()
            }
          }
        }
        const next = withoutMargin(average.value(x) as tf.Tensor4D, margin)
        best?.dispose()
        best = next
        objective.dispose()
        objective = null
      }
      const finalBest = best as tf.Tensor4D | null
      const out = finalBest === null
        ? resize(contentFull, last.height, last.width)
        : resize(finalBest, last.height, last.width)
      try {
        const outAlpha = alpha === null ? null : await resizeAlpha(alpha, content.width, content.height, last.width, last.height)
        return { image: await present(await toRgbaImage(out, outAlpha)), stopped, iterations: done, elapsedMs: now() - start }
      } finally {
        out.dispose()
      }
    } finally {
      objective?.dispose()
      x?.dispose()
      best?.dispose()
      average.reset()
      stepper.dispose()
      contentFull.dispose()
      for (const s of styleFull) s.dispose()
      contentMask?.dispose()
      contentAlphaFull?.dispose()
      for (const a of styleAlphaFull) a?.dispose()
    }
  }

  return {
    async stylizeAsync(content, styles, options = {}, callbacks = {}) {
      if (disposed) throw new Error('this style transfer was disposed')
      checkImage(content, 'Content')
      if (!Array.isArray(styles) || styles.length === 0) throw new RangeError('At least one style image is needed')
      styles.forEach((s, i) => checkImage(s, styles.length === 1 ? 'Style' : `Style ${i + 1}`))
      const o = resolveOptions(options)
      if (o.styleBlend.length !== 1 && o.styleBlend.length !== styles.length) {
        throw new RangeError(`styleBlend: expected ${styles.length} weights (one per style image), got ${o.styleBlend.length}`)
      }
      if (callbacks.startFrom !== undefined) checkImage(callbacks.startFrom, 'Start')
      if (o.color === 'match') return run(content, styles.map((s) => matchColours(s, content)), o, callbacks)
      if (o.color === 'preserve') {
        // Luminance-only transfer (Gatys et al. 2016, section 2.2): optimise on luminance, the
        // style's luminance matched to the content's, then put the content's chroma back.
        const start = callbacks.startFrom === undefined ? {} : { startFrom: luminanceImage(callbacks.startFrom) }
        return run(luminanceImage(content), styles.map((s) => luminanceImage(s, content)), o, { ...callbacks, ...start }, chromaOf(content))
      }
      return run(content, styles, o, callbacks)
    },
    dispose() {
      if (disposed) return
      disposed = true
      vgg?.dispose()
    }
  }
}

/** Pixels a scale is optimised on, margin included (its cost). */
export const canvasPixels = (s: Plan['scales'][number]): number => (s.width + 2 * s.margin) * (s.height + 2 * s.margin)

/** t mirrored (edge line included) `margin` px into every side; takes ownership of t. */
function withMargin(t: tf.Tensor4D, margin: number): tf.Tensor4D {
  if (margin === 0) return t
  const out = tf.mirrorPad(t, [[0, 0], [margin, margin], [margin, margin], [0, 0]], 'symmetric')
  t.dispose()
  return out
}

/** The visible part of a canvas; takes ownership of t. */
function withoutMargin(t: tf.Tensor4D, margin: number): tf.Tensor4D {
  if (margin === 0) return t
  const [, h, w, c] = t.shape
  const out = tf.slice(t, [0, margin, margin, 0], [1, h - 2 * margin, w - 2 * margin, c])
  t.dispose()
  return out
}

/** rgb * a + mean visible colour * (1 - a); takes ownership of rgb. */
function fillHidden(rgb: tf.Tensor4D, alpha: tf.Tensor4D | null): tf.Tensor4D {
  if (alpha === null) return rgb
  try {
    return tf.tidy(() => {
      const mean = tf.div(tf.sum(tf.mul(rgb, alpha), [0, 1, 2], true), tf.add(tf.sum(alpha), 1e-6))
      return tf.add(tf.mul(rgb, alpha), tf.mul(mean, tf.sub(1, alpha))) as tf.Tensor4D
    })
  } finally {
    rgb.dispose()
  }
}

function alphaTensor(alpha: Uint8Array | null, width: number, height: number): tf.Tensor4D | null {
  if (alpha === null) return null
  return tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(alpha), [1, height, width, 1]), 255) as tf.Tensor4D)
}

/**
 * Puts `content`'s chroma under a luminance-only image of any size (each preview scale and the
 * result): the one recombination of the 'preserve' colour mode. The content resized to each size
 * is kept, since every preview of a scale has the same size.
 */
function chromaOf(content: RgbaImage): (image: RgbaImage) => Promise<RgbaImage> {
  const resized = new Map<string, RgbaImage>()
  return async (image) => {
    const key = `${image.width}x${image.height}`
    let chroma = resized.get(key)
    if (chroma === undefined) {
      chroma = await resizeImage(content, image.width, image.height)
      resized.set(key, chroma)
    }
    return combineLuminance(image, chroma)
  }
}

/** An RGBA image resized (alpha too) through the engine's area-aware resize. */
async function resizeImage(image: RgbaImage, width: number, height: number): Promise<RgbaImage> {
  const t = tf.tidy(() => resize(rgbTensor(image), height, width))
  const alpha = alphaChannel(image)
  try {
    return await toRgbaImage(t, alpha === null ? null : await resizeAlpha(alpha, image.width, image.height, width, height))
  } finally {
    t.dispose()
  }
}
