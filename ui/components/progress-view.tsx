// While running: stage, progress bar with scale / iteration / ETA, live preview, backend and why,
// "Stop and place" and "Cancel".
import { useRef } from 'preact/hooks'
import { type RunChoice, runLabelOf } from '../backend.js'
import type { RgbaImage } from '../../models/style-transfer/index.js'
import type { Phase } from '../hooks/use-job.js'
import { useKeepFocus } from '../hooks/use-keep-focus.js'
import { ImageCanvas } from './image-canvas.js'

type Running = Extract<Phase, { kind: 'running' }>

export interface ProgressViewProps {
  phase: Running
  preview: { image: RgbaImage | null; version: number }
  onStop(): void
  onCancel(): void
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

function statusLine(phase: Running): { text: string; fraction: number } {
  const { stage, weights, progress } = phase
  if (phase.stopping) return { text: 'Stopping…', fraction: progress === null ? 0 : progress.done / progress.total }
  if (stage === 'backend') return { text: 'Starting the graphics backend…', fraction: 0 }
  if (stage === 'weights') {
    const mb = (n: number): string => (n / 1e6).toFixed(1)
    return weights === null
      ? { text: 'Loading the style model…', fraction: 0 }
      : { text: `Loading the style model… ${mb(weights.loaded)} of ${mb(weights.total)} MB`, fraction: weights.loaded / weights.total }
  }
  if (stage === 'export') return { text: 'Reading the layers…', fraction: 0 }
  if (stage === 'place') return { text: 'Placing the result…', fraction: 1 }
  if (progress === null) return { text: 'Preparing the first step (the first run compiles GPU programs)…', fraction: 0 }
  return {
    text: `Scale ${progress.scale} of ${progress.scales} (${progress.width}×${progress.height}) · step ${progress.iteration} of ${progress.iterations} · about ${formatDuration(progress.etaMs)} left`,
    fraction: progress.done / progress.total
  }
}

export function BackendLine({ backend }: { backend: RunChoice | null }) {
  if (backend === null) return null
  return <div class="muted" data-testid="backend" data-backend={backend.backend}>Running on {runLabelOf(backend)}: {backend.reason}.</div>
}

export function ProgressView({ phase, preview, onStop, onCancel }: ProgressViewProps) {
  const { text, fraction } = statusLine(phase)
  const started = phase.stage === 'run' && phase.progress !== null
  // "Transfer style", which had the focus, is gone: Cancel (enabled from the start) takes it.
  const cancel = useRef<HTMLButtonElement>(null)
  useKeepFocus(cancel, null)
  return (
    <section class="section" aria-label="Progress" data-testid="progress-view">
      <div class="preview">
        {preview.image === null
          ? <span class="muted">The preview appears after the first steps.</span>
          : <ImageCanvas image={preview.image} version={preview.version} label="Live preview" testId="preview" />}
      </div>
      <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} aria-label="Progress">
        <div style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <div aria-live="polite" data-testid="status">{text}</div>
      <BackendLine backend={phase.backend} />
      <div class="actions">
        <button type="button" ref={cancel} onClick={onCancel} disabled={phase.stopping}>Cancel</button>
        <button type="button" class="primary" onClick={onStop} disabled={phase.stopping || !started}
          title="Keep the current image and place it">Stop and place</button>
      </div>
    </section>
  )
}
