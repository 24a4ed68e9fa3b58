// Where the work runs (Run on, Model address, the helper's state) and the optimiser.
import { useState } from 'preact/hooks'
import type { RunsOn, Optimizer, Settings } from '../../plugin/messages.js'
import type { HelperStatus } from '../helper-client/helper-client.js'
import { DEFAULT_WEIGHTS_URL } from '../weights.js'

const BACKENDS: { value: RunsOn; label: string }[] = [
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
  /** The helper connection (ui/hooks/use-helper.ts), the address it uses, and a new try after it stopped. */
  helper: { status: HelperStatus; url: string; retry?: () => void }
}

/** The helper's state in one sentence. */
export function helperStatusText(status: HelperStatus, url: string, paired: boolean): string {
  const caps = status.capabilities
  switch (status.state) {
    case 'paired':
    case 'busy':
      if (caps === null) return 'Paired.'
      if (status.state === 'busy' && status.message !== null) return `Paired: ${caps.backend} on ${caps.device}. ${status.message}`
      return `Paired: ${caps.backend} on ${caps.device}${status.state === 'busy' ? ' (running a job)' : ''}.`
    case 'connecting':
      return status.message === null ? `Connecting to ${url}…` : `${status.message} Trying again…`
    case 'error':
      return status.message ?? `The helper at ${url} cannot be used.`
    case 'disconnected':
      return paired
        ? status.message ?? 'Disconnected.'
        : 'Not paired. Start the helper (`npx stylecraft-helper`, or `npm start` in the project), paste the token it prints and press Pair; until then everything runs in this panel.'
  }
}

export function AdvancedPanel({ settings, disabled, onChange, helper }: AdvancedPanelProps) {
  const [token, setToken] = useState('')
  const stored = settings.helperToken.trim() !== ''
  const pair = (): void => {
    const t = token.trim()
    if (t === '') return
    onChange({ helperToken: t })
    setToken('')
  }
  return (
    // Open or closed as the designer left it, across runs (this panel is rebuilt after each) and
    // sessions: kept with the settings.
    <details open={settings.advancedOpen}
      onToggle={(e) => { const open = e.currentTarget.open; if (open !== settings.advancedOpen) onChange({ advancedOpen: open }) }}>
      <summary>Advanced</summary>
      <section class="section" aria-label="Advanced settings">
        <div class="row">
          <label for="backend">Run on</label>
          <select id="backend" class="grow" disabled={disabled} value={settings.backend}
            onChange={(e) => onChange({ backend: e.currentTarget.value as RunsOn })}>
            {BACKENDS.map((b) => <option key={b.value} value={b.value}>{b.label}</option>)}
          </select>
        </div>
        <div class="row">
          <label for="optimizer">Optimiser</label>
          <select id="optimizer" class="grow" disabled={disabled} value={settings.optimizer}
            onChange={(e) => onChange({ optimizer: e.currentTarget.value as Optimizer })}>
            <option value="adam">Adam (default)</option>
            <option value="lbfgs">L-BFGS (the paper's)</option>
          </select>
        </div>
        <div class="row">
          <label for="weights-url">Model address</label>
          <input id="weights-url" class="grow" type="text" placeholder={DEFAULT_WEIGHTS_URL} disabled={disabled}
            value={settings.weightsUrl} onChange={(e) => onChange({ weightsUrl: e.currentTarget.value.trim() })} />
        </div>
        <div class="row">
          <label for="helper-url">Helper address</label>
          <input id="helper-url" class="grow" type="text" disabled={disabled} value={settings.helperUrl}
            onChange={(e) => onChange({ helperUrl: e.currentTarget.value.trim() })} />
        </div>
        <form class="row" onSubmit={(e) => { e.preventDefault(); pair() }}>
          <label for="helper-token">Pairing token</label>
          <input id="helper-token" class="grow" type="password" autoComplete="off" disabled={disabled}
            placeholder={stored ? 'Paired (paste to change)' : 'From the helper\'s window'}
            value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          <button type="submit" disabled={disabled || token.trim() === ''}>Pair</button>
          {stored && <button type="button" disabled={disabled} onClick={() => onChange({ helperToken: '' })}>Forget</button>}
        </form>
        <div class="row" data-testid="helper-status" data-state={helper.status.state}>
          <span class="label">Helper</span>
          <span class="grow muted" aria-live="polite"><span class="status-dot" />{helperStatusText(helper.status, helper.url, stored)}</span>
          {helper.status.state === 'error' && helper.retry !== undefined && <button type="button" onClick={helper.retry}>Retry</button>}
        </div>
      </section>
    </details>
  )
}
