// The idle -> running -> done / error state machine of one style-transfer job.
import { useRef, useState } from 'preact/hooks'
import type { Speed } from '../../plugin/messages.js'
import type { RunChoice } from '../backend.js'
import type { Progress, RgbaImage } from '../../models/style-transfer/index.js'
import type { Stage } from '../run/describe-error.js'
import { type JobInput, runJobAsync } from '../run/run-job-async.js'

export type Phase =
  | { kind: 'idle'; note: string | null }
  | {
    kind: 'running'; stage: Stage; weights: { loaded: number; total: number } | null
    progress: Progress | null; backend: RunChoice | null; stopping: boolean
  }
  | {
    kind: 'done'; message: string; notice: string | null; backend: RunChoice
    /** The layer the run placed (selected by the placement: that selection is not the designer's change). */
    placedId: string
    timing: { promisedMs: number | null; actualMs: number }; speed: Speed | null
  }
  | { kind: 'error'; message: string }

export interface Job {
  phase: Phase
  /** The latest preview, and a counter that changes with it (the image is drawn, not diffed). */
  preview: { image: RgbaImage | null; version: number }
  start(input: JobInput): void
  /** "Stop and place": keep the current image. */
  stop(): void
  /** "Cancel": discard, leave the document unchanged. */
  cancel(): void
  dismiss(): void
}

export function useJob(): Job {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle', note: null })
  const [preview, setPreview] = useState<{ image: RgbaImage | null; version: number }>({ image: null, version: 0 })
  const control = useRef<{ abort: AbortController; cancelled: boolean } | null>(null)
  const running = (update: (p: Extract<Phase, { kind: 'running' }>) => Phase): void =>
    setPhase((p) => (p.kind === 'running' ? update(p) : p))

  return {
    phase,
    preview,
    start(input) {
      if (control.current !== null) return
      const job = { abort: new AbortController(), cancelled: false }
      control.current = job
      setPreview((p) => ({ image: null, version: p.version + 1 }))
      setPhase({ kind: 'running', stage: 'backend', weights: null, progress: null, backend: null, stopping: false })
      runJobAsync(input, {
        onStage: (stage) => running((p) => ({ ...p, stage })),
        onWeights: (loaded, total) => running((p) => ({ ...p, weights: { loaded, total } })),
        onBackend: (backend) => running((p) => ({ ...p, backend })),
        onProgress: (progress) => running((p) => ({ ...p, progress })),
        onPreview: (image) => setPreview((p) => ({ image, version: p.version + 1 }))
      }, { signal: job.abort.signal, isCancelled: () => job.cancelled }).then((outcome) => {
        if (outcome.kind === 'cancelled') {
          setPhase({ kind: 'idle', note: 'Cancelled. Nothing was added to the document.' })
        } else {
          const { width, height } = outcome.result.image
          const message = outcome.stopped
            ? `Stopped early after ${outcome.result.iterations} iterations; placed the current image (${width}×${height} px).`
            : `Placed a ${width}×${height} px result above the content layer.`
          setPhase({ kind: 'done', message, notice: outcome.placed.notice, placedId: outcome.placed.nodeId, backend: outcome.backend, timing: outcome.timing, speed: outcome.speed })
        }
      }, (error: unknown) => {
        setPhase({ kind: 'error', message: error instanceof Error ? error.message : String(error) })
      }).finally(() => { control.current = null })
    },
    stop() {
      control.current?.abort.abort()
      running((p) => ({ ...p, stopping: true }))
    },
    cancel() {
      const job = control.current
      if (job === null) return
      job.cancelled = true
      job.abort.abort()
      running((p) => ({ ...p, stopping: true }))
    },
    dismiss: () => setPhase({ kind: 'idle', note: null })
  }
}
