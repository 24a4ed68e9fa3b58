// What a notice about one run is about: the selected layers and the settings that change a run.
// The measured speed is left out (a finished run updates it; that is not the designer's change),
// and so is whether Advanced is open (looking at settings changes none).
import type { PluginMessage, Settings } from '../../plugin/messages.js'

export function sceneKeyOf(selection: PluginMessage<'selection'> | null, settings: Settings): string {
  return JSON.stringify({ layers: layersKeyOf(selection), chosen: settingsKeyOf(settings) })
}

export function layersKeyOf(selection: PluginMessage<'selection'> | null): string {
  return JSON.stringify(selection === null ? null : [selection.content?.id ?? null, ...selection.styles.map((s) => s.id)])
}

export function settingsKeyOf(settings: Settings): string {
  const { speed: _speed, advancedOpen: _open, ...chosen } = settings
  return JSON.stringify(chosen)
}

/** Whether the selection is only the layer a run just placed (the placement selects it). */
export function onlyPlaced(selection: PluginMessage<'selection'> | null, placedId: string): boolean {
  if (selection === null) return false
  const ids = [...(selection.content === null ? [] : [selection.content.id]), ...selection.styles.map((s) => s.id)]
  return ids.every((id) => id === placedId)
}
