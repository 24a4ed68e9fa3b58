// Turns any error of a run into a sentence a designer understands, with what to do next.
import { ImageError, OptionsError } from '../../models/style-transfer/index.js'
import { HostError } from '../hosts/host.js'
import { ImageDecodeError } from '../image/decode-png-async.js'
import { WeightsError } from '../weights.js'
import { isEngineMemoryFailure } from './engine-failure.js'

export type Stage = 'weights' | 'backend' | 'export' | 'run' | 'place'

export function describeError(error: unknown, stage: Stage, context: { weightsUrl: string; layerName?: string }): string {
  const detail = error instanceof Error ? error.message : String(error)
  // The sandbox already speaks to the designer.
  if (error instanceof HostError) return error.message
  if (error instanceof WeightsError || stage === 'weights') {
    if (/corrupt|decoded|shape|lack/.test(detail)) {
      return `The style model at ${context.weightsUrl} is damaged or a different version. Update the helper (or the files at that address), then try again.`
    }
    return `The style model could not be loaded from ${context.weightsUrl}. Start the helper on this computer (\`npx stylecraft-helper\`), or enter another Model address under Advanced, then try again.`
  }
  const layer = context.layerName === undefined ? 'a layer' : `“${context.layerName}”`
  if (error instanceof ImageDecodeError) {
    return `The image of ${layer} could not be read; it may be damaged. Replace the image or pick another layer, then try again.`
  }
  if (error instanceof ImageError) return `${detail}. Choose a larger output size or larger layers, then try again.`
  if (error instanceof OptionsError) return `A setting is out of range (${detail}). Change it, then try again.`
  if (stage === 'backend') return `${detail} Try another browser, or start the helper (\`npx stylecraft-helper\`) and choose Helper app under Advanced > Run on.`
  if (stage === 'run' && isEngineMemoryFailure(error)) {
    return `This panel ran out of memory for this size (${detail}); it has been reset, so the next run starts clean. Choose a smaller output size, or run big images on the helper app (Advanced > Run on).`
  }
  if (stage === 'place') return `The result could not be placed (${detail}). Try again, or choose a smaller output size.`
  return `Style transfer stopped with an error (${detail}). Try a smaller output size, or another Run on under Advanced.`
}
