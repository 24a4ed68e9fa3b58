// Colour, texture scale and smoothness: controls that mean the same at every output size (the
// engine scales the style with each scale, and the smoothing weight is per pixel).
import type { ColorMode, Settings } from '../../plugin/messages.js'
import { DEFAULT_OPTIONS } from '../../models/style-transfer/index.js'
import { tvWeightOf } from '../run/settings-to-options.js'

const COLOR_LABEL: Record<ColorMode, string> = { off: 'Off', preserve: 'Keep content colours', match: 'Match palette' }

export interface LookControlsProps {
  settings: Settings
  disabled: boolean
  onChange(patch: Partial<Settings>): void
}

/** Smoothness as a factor of the engine default, which is what the log slider steps through. */
function smoothnessText(smoothness: number): string {
  const k = tvWeightOf(smoothness) / DEFAULT_OPTIONS.tvWeight
  return k === 0 ? 'Off' : `×${k >= 1 ? k.toFixed(k < 10 ? 1 : 0) : k.toFixed(2)}`
}

export function LookControls({ settings, disabled, onChange }: LookControlsProps) {
  return (
    <>
      <div class="row">
        <label for="color">Colour</label>
        <select id="color" class="grow" disabled={disabled} value={settings.color}
          title="Off: colours come from the style. Keep content colours: only the texture is transferred. Match palette: the style is recoloured to the content first."
          onChange={(e) => onChange({ color: e.currentTarget.value as ColorMode })}>
          {(Object.keys(COLOR_LABEL) as ColorMode[]).map((c) => <option key={c} value={c}>{COLOR_LABEL[c]}</option>)}
        </select>
      </div>
      <div class="row">
        <label for="style-scale">Texture scale</label>
        <input id="style-scale" class="grow" type="range" min={0.25} max={2} step={0.05} disabled={disabled} value={settings.styleScale}
          aria-valuetext={`${settings.styleScale.toFixed(2)} times`} title="Size of the brush strokes relative to the output"
          onChange={(e) => onChange({ styleScale: Number(e.currentTarget.value) })} />
        <span class="value">×{settings.styleScale.toFixed(2)}</span>
      </div>
      <div class="row">
        <label for="smoothness">Smoothness</label>
        <input id="smoothness" class="grow" type="range" min={0} max={1} step={0.05} disabled={disabled} value={settings.smoothness}
          aria-valuetext={smoothnessText(settings.smoothness)} title="Less speckle, softer detail; the middle is the default"
          onChange={(e) => onChange({ smoothness: Number(e.currentTarget.value) })} />
        <span class="value">{smoothnessText(settings.smoothness)}</span>
      </div>
    </>
  )
}
