// Thumbnails of the content and style layers, with a swap button. Which layer is content is an
// explicit choice (Figma's selection order is unspecified), sent to the sandbox as set-content.
import type { LayerInfo, PluginMessage } from '../../plugin/messages.js'
import type { Thumb } from '../hooks/use-host-state.js'
import { ImageCanvas } from './image-canvas.js'

export interface LayerPairProps {
  selection: PluginMessage<'selection'> | null
  thumbs: ReadonlyMap<string, Thumb>
  disabled: boolean
  onSetContent(nodeId: string): void
}

function LayerCard({ role, layer, thumb }: { role: string; layer: LayerInfo | undefined; thumb: Thumb | undefined }) {
  return (
    <div class="layer" data-testid={`layer-${role.toLowerCase()}`}>
      <span class="muted">{role}</span>
      <div class="thumb">
        {layer === undefined ? <span class="muted">None</span>
          : thumb === undefined ? <span class="muted">Loading…</span>
            : 'image' in thumb ? <ImageCanvas image={thumb.image} label={`${role}: ${layer.name}`} />
              : <span class="muted" role="alert">{thumb.problem}</span>}
      </div>
      <span class="layer-name" title={layer?.name}>{layer?.name ?? '—'}</span>
    </div>
  )
}

export function LayerPair({ selection, thumbs, disabled, onSetContent }: LayerPairProps) {
  const content = selection?.content ?? undefined
  const style = selection?.styles[0]
  const more = (selection?.styles.length ?? 0) - 1
  return (
    <section class="section" aria-label="Layers">
      <div class="layers">
        <LayerCard role="Content" layer={content} thumb={content && thumbs.get(content.id)} />
        <button class="swap" type="button" title="Swap content and style" aria-label="Swap content and style"
          disabled={disabled || content === undefined || style === undefined}
          onClick={() => style !== undefined && onSetContent(style.id)}>⇄</button>
        <LayerCard role="Style" layer={style} thumb={style && thumbs.get(style.id)} />
      </div>
      {more > 0 && <span class="muted">and {more} more style layer{more > 1 ? 's' : ''}, blended by the Style mix weights below</span>}
      {selection?.problem != null && <div class="banner" role="status" data-testid="selection-problem">{selection.problem}</div>}
    </section>
  )
}
