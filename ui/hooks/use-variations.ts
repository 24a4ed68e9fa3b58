// The Variations state: four seeds, their previews as they finish, and cancel. Picking one is the
// App's job (it starts the full-size run with pickedSettings).
import { useRef, useState } from 'preact/hooks'
import type { RunChoice } from '../backend.js'
import type { Progress, RgbaImage } from '../../models/style-transfer/index.js'
import type { Stage } from '../run/describe-error.js'
import type { JobInput } from '../run/run-job-async.js'
import { runVariationsAsync } from '../run/run-variations-async.js'
import { variationSeeds } from '../run/variation-settings.js'

export interface VariationsState {
  status: 'running' | 'ready' | 'error'
  seeds: number[]
  /** One slot per seed; null until that preview is done. */
  images: (RgbaImage | null)[]
  stage: Stage
  progress: { index: number; progress: Progress } | null
  backend: RunChoice | null
  cancelling: boolean
  message: string | null
}

export interface Variations {
  /** null: no variations shown. */
  state: VariationsState | null
  start(input: JobInput): void
  cancel(): void
  close(): void
}

export function useVariations(): Variations {
  const [state, setState] = useState<VariationsState | null>(null)
  const control = useRef<{ abort: AbortController; cancelled: boolean } | null>(null)
  const update = (patch: (s: VariationsState) => Partial<VariationsState>): void =>
    setState((s) => (s === null ? s : { ...s, ...patch(s) }))

  return {
    state,
    start(input) {
      if (control.current !== null) return
      const job = { abort: new AbortController(), cancelled: false }
      control.current = job
      const seeds = variationSeeds(input.settings)
      setState({ status: 'running', seeds, images: seeds.map(() => null), stage: 'backend', progress: null, backend: null, cancelling: false, message: null })
      runVariationsAsync(input, seeds, {
        onStage: (stage) => update(() => ({ stage })),
        onWeights: () => undefined,
        onBackend: (backend) => update(() => ({ backend })),
        onProgress: (index, progress) => update(() => ({ progress: { index, progress } })),
        onVariation: (index, image) => update((s) => ({ images: s.images.map((old, i) => (i === index ? image : old)) }))
      }, { signal: job.abort.signal, isCancelled: () => job.cancelled }).then((finished) => {
        // Cancelled: the finished previews stay pickable; the missing ones stay empty.
        update((s) => ({ status: 'ready', cancelling: false, message: finished ? null : `Cancelled after ${s.images.filter((i) => i !== null).length} of ${s.seeds.length} variations.` }))
      }, (error: unknown) => {
        update(() => ({ status: 'error', cancelling: false, message: error instanceof Error ? error.message : String(error) }))
      }).finally(() => { control.current = null })
    },
    cancel() {
      const job = control.current
      if (job === null) return
      job.cancelled = true
      job.abort.abort()
      update(() => ({ cancelling: true }))
    },
    close() {
      if (control.current === null) setState(null)
    }
  }
}
