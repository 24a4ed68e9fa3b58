// Colour, texture scale, smoothness and "Keep details": controls that mean the same at every output
// size (the engine scales the style with each scale; the smoothing and detail weights are normalised).
import type { ColorMode, Settings } from '../../plugin/messages.js'
import { levelText } from '../run/level-text.js'

const COLOR_LABEL: Record<ColorMode, string> = { off: 'Off', preserve: 'Keep content colours', match: 'Match palette' }

export interface LookControlsProps {
  settings: Settings
  disabled: boolean
  onChange(patch: Partial<Settings>): void
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
          aria-valuetext={levelText(settings.smoothness)} title="Less speckle, softer detail; the middle is the default"
          onChange={(e) => onChange({ smoothness: Number(e.currentTarget.value) })} />
        <span class="value">{levelText(settings.smoothness)}</span>
      </div>
      <div class="row">
        <label for="details">Keep details</label>
        <input id="details" class="grow" type="range" min={0} max={1} step={0.05} disabled={disabled} value={settings.details}
          aria-valuetext={levelText(settings.details)} title="Keeps the content's edges and fine structure; less keeps more of the style's strokes. The middle is the default"
          onChange={(e) => onChange({ details: Number(e.currentTarget.value) })} />
        <span class="value">{levelText(settings.details)}</span>
      </div>
    </>
  )
}
