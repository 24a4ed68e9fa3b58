// Output size (presets + exact pixels), style strength, quality or steps, seed. Each change is sent
// to the sandbox (save-settings) so it persists in clientStorage.
import { useState } from 'preact/hooks'
import { type LayerInfo, type Settings, type Quality } from '../../plugin/messages.js'
import { MAX_SIDE, MIN_SIDE, PRESETS } from '../../models/style-transfer/index.js'
import { parseOutputSize, upscaleNote } from '../run/output-size.js'

const SIZE_PRESETS = [256, 512, 1024, 2048]
const QUALITY_LABEL: Record<Quality, string> = { draft: 'Draft (fast)', standard: 'Standard', high: 'High (slow)', custom: 'Custom steps' }

export interface SettingsPanelProps {
  settings: Settings
  disabled: boolean
  onChange(patch: Partial<Settings>): void
  /** The time promise for these settings on this machine, shown under the quality preset. */
  expected: string
  /** The content layer, to warn when the output size is above its own. */
  content: LayerInfo | null
}

/** Parses an integer field; out-of-range or empty input is ignored (the field shows the old value). */
function intOf(value: string, min: number, max: number): number | null {
  const n = Number(value)
  return Number.isInteger(n) && n >= min && n <= max ? n : null
}

export function SettingsPanel({ settings, disabled, onChange, expected, content }: SettingsPanelProps) {
  // Why the field shows another number than the one typed; cleared by the next size that fits.
  const [sizeNote, setSizeNote] = useState<string | null>(null)
  const upscale = upscaleNote(settings.size, content)
  const preset = SIZE_PRESETS.includes(settings.size) ? String(settings.size) : 'custom'
  const steps = settings.quality === 'custom' ? null : PRESETS[settings.quality]
  return (
    <section class="section" aria-label="Settings">
      <div class="row">
        <label for="size-preset">Output size</label>
        <select id="size-preset" class="grow" disabled={disabled} value={preset}
          onChange={(e) => { const n = intOf(e.currentTarget.value, MIN_SIDE, MAX_SIDE); if (n !== null) { setSizeNote(null); onChange({ size: n }) } }}>
          {SIZE_PRESETS.map((s) => <option key={s} value={String(s)}>{s} px</option>)}
          <option value="custom">Exact…</option>
        </select>
        <input id="size" type="number" aria-label="Output size in pixels (long side)" style={{ width: '72px' }}
          min={MIN_SIDE} max={MAX_SIDE} step={1} disabled={disabled} value={settings.size}
          aria-describedby="size-note" aria-invalid={sizeNote !== null}
          onChange={(e) => {
            const { size, note } = parseOutputSize(e.currentTarget.value)
            setSizeNote(note)
            // The field always shows the size the run will use; the note says why it differs.
            e.currentTarget.value = String(size ?? settings.size)
            if (size !== null && size !== settings.size) onChange({ size })
          }} />
      </div>
      {(sizeNote !== null || upscale !== null) && (
        <div class="row">
          <span class="label" />
          <span class="grow muted" id="size-note" data-testid="size-note" role="status">{[sizeNote, upscale].filter((t) => t !== null).join(' ')}</span>
        </div>
      )}
      <div class="row">
        <label for="strength">Style strength</label>
        <input id="strength" class="grow" type="range" min={0} max={1} step={0.05} disabled={disabled} value={settings.strength}
          onChange={(e) => onChange({ strength: Number(e.currentTarget.value) })} />
        <span style={{ width: '32px', textAlign: 'right' }}>{Math.round(settings.strength * 100)}%</span>
      </div>
      <div class="row">
        <label for="quality">Quality</label>
        <select id="quality" class="grow" disabled={disabled} value={settings.quality}
          onChange={(e) => onChange({ quality: e.currentTarget.value as Quality })}>
          {(Object.keys(QUALITY_LABEL) as Quality[]).map((q) => <option key={q} value={q}>{QUALITY_LABEL[q]}</option>)}
        </select>
      </div>
      <div class="row">
        <label for="steps">Steps per scale</label>
        {steps === null
          ? <input id="steps" class="grow" type="number" min={1} max={10000} disabled={disabled} value={settings.steps}
            onChange={(e) => { const n = intOf(e.currentTarget.value, 1, 10000); if (n !== null) onChange({ steps: n }) }} />
          : <span class="grow muted" id="steps">{steps.stepsFirst} first, then {steps.steps}</span>}
      </div>
      <div class="row">
        <span class="label" />
        <span class="grow muted" data-testid="expected-time" aria-live="polite">{expected}</span>
      </div>
      <div class="row">
        <label for="seed">Seed</label>
        <input id="seed" class="grow" type="text" inputMode="numeric" placeholder="Random each run" disabled={disabled}
          value={settings.seed === null ? '' : String(settings.seed)}
          onChange={(e) => {
            const text = e.currentTarget.value.trim()
            const n = intOf(text, 0, 0xffffffff)
            if (text === '') onChange({ seed: null })
            else if (n !== null) onChange({ seed: n })
            else e.currentTarget.value = settings.seed === null ? '' : String(settings.seed)
          }} />
      </div>
    </section>
  )
}
