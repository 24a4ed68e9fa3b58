// The four variation previews, 2x2, each filled in as it finishes; a finished one is a button that
// renders it at full size with its seed.
import type { VariationsState } from '../hooks/use-variations.js'
import { ImageCanvas } from './image-canvas.js'
import { BackendLine } from './progress-view.js'

export interface VariationsViewProps {
  state: VariationsState
  onPick(seed: number): void
  onCancel(): void
  onClose(): void
}

function statusOf(state: VariationsState): string {
  if (state.cancelling) return 'Cancelling…'
  if (state.status === 'ready') return state.message ?? 'Pick a variation to render it at full size with the same seed.'
  if (state.status === 'error') return ''
  if (state.stage !== 'run' || state.progress === null) return 'Preparing the variations…'
  const { index, progress } = state.progress
  return `Variation ${index + 1} of ${state.seeds.length} · step ${progress.iteration} of ${progress.iterations}`
}

export function VariationsView({ state, onPick, onCancel, onClose }: VariationsViewProps) {
  const running = state.status === 'running'
  return (
    <section class="section" aria-label="Variations" data-testid="variations">
      <div class="variations">
        {state.seeds.map((seed, i) => {
          const image = state.images[i] ?? null
          return image === null
            ? <div key={seed} class="variation empty muted">{running ? `Variation ${i + 1}…` : 'Not made'}</div>
            : <button key={seed} type="button" class="variation" data-testid="variation" data-seed={String(seed)} disabled={running}
              aria-label={`Use variation ${i + 1} (seed ${seed})`} title={`Render at full size with seed ${seed}`} onClick={() => onPick(seed)}>
              <ImageCanvas image={image} label={`Variation ${i + 1}, seed ${seed}`} />
              <span class="muted">Seed {seed}</span>
            </button>
        })}
      </div>
      {state.status === 'error'
        ? <div class="banner error" role="alert" data-testid="variations-error"><strong>Variations failed.</strong> {state.message}</div>
        : <div aria-live="polite" data-testid="variations-status">{statusOf(state)}</div>}
      <BackendLine backend={state.backend} />
      <div class="actions">
        {running
          ? <button type="button" onClick={onCancel} disabled={state.cancelling}>Cancel</button>
          : <button type="button" onClick={onClose}>Close</button>}
      </div>
    </section>
  )
}
