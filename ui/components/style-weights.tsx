// One weight per style layer when several are selected; the engine blends their statistics with
// these weights, in the order the styles are sent (the selection's order).
import type { LayerInfo, Settings } from '../../plugin/messages.js'

export interface StyleWeightsProps {
  styles: readonly LayerInfo[]
  weights: readonly number[]
  disabled: boolean
  onChange(patch: Partial<Settings>): void
}

export function StyleWeights({ styles, weights, disabled, onChange }: StyleWeightsProps) {
  if (styles.length < 2) return null
  const set = (index: number, value: number): void =>
    onChange({ styleWeights: styles.map((_, i) => (i === index ? value : weights[i] ?? 1)) })
  return (
    <fieldset class="section plain" data-testid="style-weights">
      <legend class="muted">Style mix</legend>
      {styles.map((style, i) => {
        const w = weights[i] ?? 1
        return (
          <div class="row" key={style.id}>
            <label for={`style-weight-${i}`} class="layer-name" title={style.name}>{style.name}</label>
            <input id={`style-weight-${i}`} class="grow" type="range" min={0} max={1} step={0.05} disabled={disabled} value={w}
              aria-valuetext={`${Math.round(w * 100)}%`} onChange={(e) => set(i, Number(e.currentTarget.value))} />
            <span class="value">{Math.round(w * 100)}%</span>
          </div>
        )
      })}
    </fieldset>
  )
}
