// One style-transfer job, from the selected layers to a placed result: weights, backend, export,
// optimisation (with fallback to the next backend), placement. No UI here: the caller gets events.
// A job may run on the paired helper instead (run-on-helper-async.ts); if the helper goes away
// mid-job, the panel goes on from the helper's last preview, as after a lost GPU device.
import type { LayerInfo, Recipe, Settings, Speed } from '../../plugin/messages.js'
import { recipeSettingsOf } from '../../plugin/messages.js'
import { type BrowserBackendChoice, BACKEND_LABEL, type RunChoice, chooseBackendAsync, forgetBackend, isBackendFailure, watchBackendLoss } from '../backend.js'
import { isEngineMemoryFailure } from './engine-failure.js'
import { ENGINE_VERSION, type Progress, type RgbaImage, type RunResult } from '../../models/style-transfer/index.js'
import type { HelperClient } from '../helper-client/helper-client.js'
import type { Host, Placed } from '../hosts/host.js'
import { weightsUrlOf } from '../weights.js'
import { type Stage, describeError } from './describe-error.js'
import { dropEngine, getEngineAsync } from './engine-cache.js'
import { HelperLostError, HelperRunError, helperRouteOf, runOnHelperAsync } from './run-on-helper-async.js'
import { randomSeed, settingsToOptions } from './settings-to-options.js'
import { expectedMsOf, measureSpeed } from './time-promise.js'

export interface JobInput {
  host: Host
  settings: Settings
  content: LayerInfo
  styles: readonly LayerInfo[]
  /** The helper client, when one exists; jobs go there only while it is paired (see helperRouteOf). */
  helper?: HelperClient | null
}

export interface JobEvents {
  onStage(stage: Stage): void
  onWeights(loaded: number, total: number): void
  onBackend(choice: RunChoice): void
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
    kind: 'placed'; placed: Placed; stopped: boolean; recipe: Recipe; backend: RunChoice; result: RunResult
    /** The time promised before the run (null: nothing measured yet) and the time it took. */
    timing: { promisedMs: number | null; actualMs: number }
    /** Speed including this run, stopped early or not (unchanged when it fell back to another backend or ran on the helper). */
    speed: Speed | null
  }
  | { kind: 'cancelled' }

/** A job failure, already worded for the designer. */
export class JobError extends Error {
  override name = 'JobError'
}

export async function runJobAsync(input: JobInput, events: JobEvents, control: JobControl): Promise<JobOutcome> {
  const { host, settings, content, styles } = input
  // The paired helper's weights first (weightsUrlOf); a job that loses the helper switches below.
  let url = weightsUrlOf(settings, input.helper ?? null)
  // Said before the run starts, so it is the promise the panel showed.
  const promisedMs = expectedMsOf(settings, content.width, content.height)
  let stage: Stage = 'backend'
  let layerName: string | undefined
  const enter = (next: Stage): void => { stage = next; events.onStage(next) }
  let helperLost: string | null = null
  try {
    enter('backend')
    const route = helperRouteOf(settings, input.helper ?? null)
    let backend: RunChoice
    if (route.choice !== null) {
      backend = route.choice
    } else {
      const local = await chooseBackendAsync(settings.backend)
      backend = route.why === null ? local : { ...local, reason: route.why }
    }
    events.onBackend(backend)
    if (backend.backend !== 'helper') {
      enter('weights')
      await getEngineAsync(backend.backend, url, events.onWeights)
    }
    if (control.isCancelled()) return { kind: 'cancelled' }

    enter('export')
    layerName = content.name
    const contentImage = await host.exportLayerAsync(content.id, settings.size)
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
    // After a fallback the run goes on from here (the content stays the content target).
    let startFrom: RgbaImage | null = null
    // Speed is measured from the second iteration on: the first also pays one-time set-up
    // (shader compilation, weight upload), which made the next promise several times too long.
    let timed: { firstMs: number; firstPixels: number; lastMs: number; pixels: number } | null = null
    let result: RunResult | null = null
    let fellBack = false
    // After a fallback the engine's elapsed time covers only the last backend's run.
    const runStartedAt = Date.now()
    if (backend.backend === 'helper' && input.helper != null) {
      try {
        result = await runOnHelperAsync(input.helper, contentImage, styleImages, options, events, control.signal)
      } catch (error) {
        if (!(error instanceof HelperLostError) || control.isCancelled()) throw error
        // The helper went away (quit, crashed, the computer slept): go on here from its last preview.
        helperLost = error.message
        fellBack = true
        stage = 'backend'
        const local = await chooseBackendAsync(settings.backend === 'helper' ? 'auto' : settings.backend)
        const from = error.lastPreview === null ? 'starting over here' : 'continuing here from its last preview'
        backend = { backend: local.backend, reason: `the helper went away during the job; ${from}` }
        events.onBackend(backend)
        enter('weights')
        // The helper that would have served them is gone: the typed address or the public package.
        url = weightsUrlOf(settings, null)
        await getEngineAsync(backend.backend, url, events.onWeights)
        enter('run')
        startFrom = error.lastPreview
      }
    }
    while (result === null && backend.backend !== 'helper') {
      const engine = await getEngineAsync(backend.backend, url, events.onWeights)
      // tfjs hangs rather than throws when the GPU goes away, so the run races the loss; a run
      // left behind is aborted and its late events are ignored.
      const watch = watchBackendLoss(backend.backend)
      const run = new AbortController()
      const abort = (): void => run.abort()
      control.signal.addEventListener('abort', abort)
      if (control.signal.aborted) run.abort()
      let live = true
      try {
        result = await Promise.race([
          engine.stylizeAsync(contentImage, styleImages, options, {
            signal: run.signal,
            ...(startFrom === null ? {} : { startFrom }),
            onProgress: (progress) => {
              if (!live || watch.isLost()) return
              const pixels = progress.width * progress.height
              timed = timed === null
                ? { firstMs: progress.elapsedMs, firstPixels: pixels, lastMs: progress.elapsedMs, pixels }
                : { ...timed, lastMs: progress.elapsedMs, pixels: timed.pixels + pixels }
              events.onProgress(progress)
            },
            // A preview read after the loss may be blank: it must not become the image to go on from.
            onPreview: (image) => { if (live && !watch.isLost()) { lastPreview = image; events.onPreview(image) } }
          }),
          watch.lost
        ])
      } catch (error) {
        live = false
        run.abort()
        // A wasm run out of memory (or trapped) may leave its heap full or inconsistent: the next
        // run gets a fresh engine on a fresh wasm instance instead of failing at once.
        if (backend.backend === 'wasm' && isEngineMemoryFailure(error)) { dropEngine(); forgetBackend('wasm') }
        if (!(isBackendFailure(error) || watch.isLost()) || backend.backend === 'wasm' || control.isCancelled()) throw error
        // A lost GPU device or out-of-memory: go on with the next backend instead of failing, from
        // the last preview (the engine skips the scales below it).
        const failed = backend.backend
        fellBack = true
        dropEngine()
        // The dead context or device must not be handed to the next run that asks for this backend.
        if (watch.isLost()) forgetBackend(failed)
        enter('backend')
        const next = await chooseBackendAsync(settings.backend, failed)
        const from = lastPreview === null ? 'starting over (no preview yet)' : 'continuing from the last preview'
        backend = { backend: next.backend, reason: `${BACKEND_LABEL[failed]} failed (${error instanceof Error ? error.message : String(error)}); ${from}` }
        events.onBackend(backend)
        enter('weights')
        await getEngineAsync(backend.backend, url, events.onWeights)
        enter('run')
        startFrom = lastPreview
      } finally {
        live = false
        watch.stop()
        control.signal.removeEventListener('abort', abort)
        run.abort()
      }
    }
    if (control.isCancelled()) return { kind: 'cancelled' }
    if (result === null) throw new Error('the job ended without an image')

    const actualMs = fellBack ? Date.now() - runStartedAt : result.elapsedMs
    enter('place')
    // The recipe goes into the document: only what made the picture, never the token or addresses.
    const recipe: Recipe = { contentId: content.id, styleIds: styles.map((s) => s.id), settings: recipeSettingsOf(settings), seed, engineVersion: ENGINE_VERSION }
    const placed = await host.placeResultAsync(result.image, recipe)
    // Runs on one backend measure its speed, stopped ones too: the steps they made were timed like
    // any others (from the second on), and the next promise should not forget them.
    const t = timed as { firstMs: number; firstPixels: number; lastMs: number; pixels: number } | null
    const speed = fellBack || backend.backend === 'helper' || t === null ? settings.speed
      : measureSpeed(settings.speed, backend.backend, t.pixels - t.firstPixels, t.lastMs - t.firstMs)
    const timing = { promisedMs, actualMs }
    return { kind: 'placed', placed, stopped: result.stopped, recipe, backend, result, timing, speed }
  } catch (error) {
    if (control.isCancelled()) return { kind: 'cancelled' }
    if (error instanceof HelperRunError) throw new JobError(error.message)
    const said = describeError(error, stage, { weightsUrl: url, ...(layerName === undefined ? {} : { layerName }) })
    if (helperLost !== null) throw new JobError(`The helper went away during the job, and running it in this panel failed too: ${said}`)
    throw new JobError(describeError(error, stage, { weightsUrl: url, ...(layerName === undefined ? {} : { layerName }) }))
  }
}
