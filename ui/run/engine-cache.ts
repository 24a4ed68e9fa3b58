// One engine per open panel, on the current backend. Built from the verified weight bytes; rebuilt
// only when the backend changes (tensors belong to the backend that made them).
import { disposeWeights } from '../../models/vgg19/load-vgg19.js'
import type { BrowserBackend } from '../backend.js'
import { type StyleTransfer, createStyleTransfer } from '../../models/style-transfer/index.js'
import { loadWeightsAsync } from '../weights.js'

let current: { backend: BrowserBackend; url: string; engine: StyleTransfer } | null = null

export async function getEngineAsync(
  backend: BrowserBackend, url: string, onWeights: (loaded: number, total: number) => void
): Promise<StyleTransfer> {
  if (current !== null && current.backend === backend && current.url === url) return current.engine
  dropEngine()
  const weights = await loadWeightsAsync(url, onWeights)
  try {
    // The engine keeps its own (prepared) copies of the kernels, so the loaded ones go right away.
    const engine = createStyleTransfer(weights)
    current = { backend, url, engine }
    return engine
  } finally {
    disposeWeights(weights)
  }
}

/** Frees the engine; safe after a lost device, whose tensors may no longer be freeable. */
export function dropEngine(): void {
  const engine = current?.engine
  current = null
  try {
    engine?.dispose()
  } catch {
    // The device is gone and took the tensors with it.
  }
}
