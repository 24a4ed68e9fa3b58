// "Variations": four small, quick previews of the same settings with four seeds, so the designer
// can pick a start before paying for the full size. Nothing is placed. The start noise is what
// makes seeds differ (with initNoise 0 every seed gives the same image), so it is turned on here
// and the pick carries both the seed and the noise into the full run and its recipe.
import { chooseBackendAsync, forgetBackend, watchBackendLoss } from '../backend.js'
import type { Progress, RgbaImage } from '../../models/style-transfer/index.js'
import { weightsUrlOf } from '../weights.js'
import { type Stage, describeError } from './describe-error.js'
import { dropEngine, getEngineAsync } from './engine-cache.js'
import { type JobControl, type JobEvents, type JobInput, JobError } from './run-job-async.js'
import { settingsToOptions } from './settings-to-options.js'
import { previewSettings, VARIATION_SIDE } from './variation-settings.js'

export interface VariationEvents extends Omit<JobEvents, 'onPreview' | 'onProgress'> {
  onProgress(index: number, progress: Progress): void
  onVariation(index: number, image: RgbaImage): void
}

/** Runs the previews one after another; resolves false when cancelled. */
export async function runVariationsAsync(input: JobInput, seeds: readonly number[], events: VariationEvents, control: JobControl): Promise<boolean> {
  const { host, settings, content, styles } = input
  const url = weightsUrlOf(settings, input.helper ?? null)
  const side = Math.min(VARIATION_SIDE, settings.size)
  let stage: Stage = 'backend'
  let layerName: string | undefined
  const enter = (next: Stage): void => { stage = next; events.onStage(next) }
  try {
    enter('backend')
    const backend = await chooseBackendAsync(settings.backend)
    events.onBackend(backend)
    enter('weights')
    const engine = await getEngineAsync(backend.backend, url, events.onWeights)
    if (control.isCancelled()) return false
    enter('export')
    layerName = content.name
    const contentImage = await host.exportLayerAsync(content.id, side)
    const styleImages: RgbaImage[] = []
    for (const style of styles) {
      layerName = style.name
      styleImages.push(await host.exportLayerAsync(style.id, side))
    }
    layerName = undefined
    enter('run')
    for (const [index, seed] of seeds.entries()) {
      if (control.isCancelled()) return false
      const options = settingsToOptions(previewSettings(settings, seed), seed, styleImages.length)
      // tfjs hangs rather than throws when the GPU goes away (see watchBackendLoss): race the loss,
      // so that the previews fail with a reason instead of waiting forever, and the next try
      // gets a new context or device.
      const watch = watchBackendLoss(backend.backend)
      let result
      try {
        result = await Promise.race([
          engine.stylizeAsync(contentImage, styleImages, { ...options, previewEvery: 0 }, {
            signal: control.signal,
            onProgress: (p) => { if (!watch.isLost()) events.onProgress(index, p) }
          }),
          watch.lost
        ])
      } catch (error) {
        if (watch.isLost()) { dropEngine(); forgetBackend(backend.backend) }
        throw error
      } finally {
        watch.stop()
      }
      // Cancel aborts the engine, which then returns its image so far: not a finished variation.
      if (control.isCancelled()) return false
      events.onVariation(index, result.image)
    }
    return true
  } catch (error) {
    if (control.isCancelled()) return false
    throw new JobError(describeError(error, stage, { weightsUrl: url, ...(layerName === undefined ? {} : { layerName }) }))
  }
}
