// One style-transfer job, from the selected layers to a placed result: weights, backend, export,
// optimisation (with fallback to the next backend), placement. No UI here: the caller gets events.
import type { LayerInfo, Recipe, Settings, Speed } from '../../plugin/messages.js'
import { type BackendChoice, BACKEND_LABEL, chooseBackendAsync, isBackendFailure } from '../backend.js'
import { ENGINE_VERSION, type Progress, type RgbaImage, type RunResult } from '../engine/index.js'
import type { Host, Placed } from '../hosts/host.js'
import { weightsUrlOf } from '../weights.js'
import { type Stage, describeError } from './describe-error.js'
import { dropEngine, getEngineAsync } from './engine-cache.js'
import { randomSeed, settingsToOptions } from './settings-to-options.js'
import { expectedMsOf, measureSpeed, pixelIterationsOf } from './time-promise.js'

export interface JobInput {
  host: Host
  settings: Settings
  content: LayerInfo
  styles: readonly LayerInfo[]
}

export interface JobEvents {
  onStage(stage: Stage): void
  onWeights(loaded: number, total: number): void
  onBackend(choice: BackendChoice): void
  onProgress(progress: Progress): void
  onPreview(image: RgbaImage): void
}

export interface JobControl {
  /** Aborted by "Stop and place" and by "Cancel": the engine returns its best image so far. */
  signal: AbortSignal
  /** True after "Cancel": nothing is placed. */
  isCancelled(): boolean
}

export type JobOutcome =
  | {
    kind: 'placed'; placed: Placed; stopped: boolean; recipe: Recipe; backend: BackendChoice; result: RunResult
    /** The time promised before the run (null: nothing measured yet) and the time it took. */
    timing: { promisedMs: number | null; actualMs: number }
    /** Speed including this run (unchanged when it was stopped early or fell back to another backend). */
    speed: Speed | null
  }
  | { kind: 'cancelled' }

/** A job failure, already worded for the designer. */
export class JobError extends Error {
  override name = 'JobError'
}

export async function runJobAsync(input: JobInput, events: JobEvents, control: JobControl): Promise<JobOutcome> {
  const { host, settings, content, styles } = input
  const url = weightsUrlOf(settings)
  // Said before the run starts, so it is the promise the panel showed.
  const promisedMs = expectedMsOf(settings, content.width, content.height)
  let stage: Stage = 'backend'
  let layerName: string | undefined
  const enter = (next: Stage): void => { stage = next; events.onStage(next) }
  try {
    enter('backend')
    let backend = await chooseBackendAsync(settings.backend)
    events.onBackend(backend)
    enter('weights')
    await getEngineAsync(backend.backend, url, events.onWeights)
    if (control.isCancelled()) return { kind: 'cancelled' }

    enter('export')
    layerName = content.name
    let contentImage = await host.exportLayerAsync(content.id, settings.size)
    const styleImages: RgbaImage[] = []
    for (const style of styles) {
      layerName = style.name
      styleImages.push(await host.exportLayerAsync(style.id, settings.size))
    }
    layerName = undefined
    if (control.isCancelled()) return { kind: 'cancelled' }

    enter('run')
    const seed = settings.seed ?? randomSeed()
    const options = settingsToOptions(settings, seed, styleImages.length)
    let lastPreview: RgbaImage | null = null
    let result: RunResult
    let fellBack = false
    for (;;) {
      const engine = await getEngineAsync(backend.backend, url, events.onWeights)
      try {
        result = await engine.stylizeAsync(contentImage, styleImages, options, {
          signal: control.signal,
          onProgress: events.onProgress,
          onPreview: (image) => { lastPreview = image; events.onPreview(image) }
        })
        break
      } catch (error) {
        if (!isBackendFailure(error) || backend.backend === 'wasm') throw error
        // A lost GPU device or out-of-memory: go on with the next backend instead of failing. The
        // engine has no "start image" input, so the last preview becomes the content to refine.
        const failed = backend.backend
        fellBack = true
        dropEngine()
        stage = 'backend'
        const next = await chooseBackendAsync(settings.backend, failed)
        backend = { backend: next.backend, reason: `${BACKEND_LABEL[failed]} failed (${error instanceof Error ? error.message : String(error)}); continuing from the last preview` }
        events.onBackend(backend)
        stage = 'run'
        if (lastPreview !== null) contentImage = lastPreview
      }
    }
    if (control.isCancelled()) return { kind: 'cancelled' }

    enter('place')
    // The machine's speed says nothing about how the image was made, so it stays out of the recipe.
    const recipe: Recipe = { contentId: content.id, styleIds: styles.map((s) => s.id), settings: { ...settings, speed: null }, seed, engineVersion: ENGINE_VERSION }
    const placed = await host.placeResultAsync(result.image, recipe)
    // Only whole runs on one backend measure its speed.
    const speed = result.stopped || fellBack ? settings.speed
      : measureSpeed(settings.speed, backend.backend, pixelIterationsOf(settings, contentImage.width, contentImage.height), result.elapsedMs)
    const timing = { promisedMs, actualMs: result.elapsedMs }
    return { kind: 'placed', placed, stopped: result.stopped, recipe, backend, result, timing, speed }
  } catch (error) {
    if (control.isCancelled()) return { kind: 'cancelled' }
    throw new JobError(describeError(error, stage, { weightsUrl: url, ...(layerName === undefined ? {} : { layerName }) }))
  }
}
