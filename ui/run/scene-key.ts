// What a notice about one run is about: the selected layers and the settings that change a run.
// The measured speed is left out (a finished run updates it; that is not the designer's change).
import type { PluginMessage, Settings } from '../../plugin/messages.js'

export function sceneKeyOf(selection: PluginMessage<'selection'> | null, settings: Settings): string {
  const { speed: _speed, ...chosen } = settings
  const layers = selection === null ? null : [selection.content?.id ?? null, ...selection.styles.map((s) => s.id)]
  return JSON.stringify({ layers, chosen })
}
