// Where the work runs: backend choice, weights address, and the helper's state.
import type { Backend, Settings } from '../../plugin/messages.js'
import { DEFAULT_WEIGHTS_URL } from '../weights.js'

const BACKENDS: { value: Backend; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'CPU (WebAssembly)' },
  { value: 'helper', label: 'Helper app' }
]

export interface AdvancedPanelProps {
  settings: Settings
  disabled: boolean
  onChange(patch: Partial<Settings>): void
}

export function AdvancedPanel({ settings, disabled, onChange }: AdvancedPanelProps) {
  return (
    <details>
      <summary>Advanced</summary>
      <section class="section" aria-label="Advanced settings">
        <div class="row">
          <label for="backend">Run on</label>
          <select id="backend" class="grow" disabled={disabled} value={settings.backend}
            onChange={(e) => onChange({ backend: e.currentTarget.value as Backend })}>
            {BACKENDS.map((b) => <option key={b.value} value={b.value}>{b.label}</option>)}
          </select>
        </div>
        <div class="row">
          <label for="weights-url">Model address</label>
          <input id="weights-url" class="grow" type="text" placeholder={DEFAULT_WEIGHTS_URL} disabled={disabled}
            value={settings.weightsUrl} onChange={(e) => onChange({ weightsUrl: e.currentTarget.value.trim() })} />
        </div>
        <div class="row" data-testid="helper-status">
          <span class="label">Helper</span>
          {/* Jobs are not routed to the helper yet; the panel runs everything itself. */}
          <span class="grow muted"><span class="status-dot" />Not connected. Everything runs in this panel.</span>
        </div>
      </section>
    </details>
  )
}
