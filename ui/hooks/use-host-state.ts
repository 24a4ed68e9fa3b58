// What the sandbox tells the panel: settings, selection (with thumbnails), a rerun recipe, errors.
import { useEffect, useRef, useState } from 'preact/hooks'
import { type LayerInfo, type PluginMessage, type Recipe, type Settings, DEFAULT_SETTINGS } from '../../plugin/messages.js'
import type { RgbaImage } from '../../models/style-transfer/index.js'
import type { Host } from '../hosts/host.js'
import { describeError } from '../run/describe-error.js'
import { weightsUrlOf } from '../weights.js'

/** A thumbnail: pixels, or a sentence saying why there are none. */
export type Thumb = { image: RgbaImage } | { problem: string }
const THUMB_SIDE = 128

export interface HostState {
  settings: Settings
  /** False until the sandbox sent the stored settings (the button waits for them). */
  settingsLoaded: boolean
  selection: PluginMessage<'selection'> | null
  thumbs: ReadonlyMap<string, Thumb>
  recipe: Recipe | null
  hostError: string | null
  updateSettings(patch: Partial<Settings>): void
  clearHostError(): void
}

export function useHostState(host: Host): HostState {
  const [settings, setSettings] = useState<Settings>({ ...DEFAULT_SETTINGS })
  const [settingsLoaded, setSettingsLoaded] = useState(false)
  const [selection, setSelection] = useState<PluginMessage<'selection'> | null>(null)
  const [thumbs, setThumbs] = useState<ReadonlyMap<string, Thumb>>(new Map())
  const [recipe, setRecipe] = useState<Recipe | null>(null)
  const [hostError, setHostError] = useState<string | null>(null)
  const settingsRef = useRef(settings)
  settingsRef.current = settings
  const requested = useRef(new Set<string>())

  useEffect(() => host.start((event) => {
    if (event.type === 'settings') { settingsRef.current = event.settings; setSettings(event.settings); setSettingsLoaded(true) }
    else if (event.type === 'selection') setSelection(event)
    else if (event.type === 'recipe') {
      // The recipe says how the image was made; this machine's own fields (backend, helper and
      // token, weights address, measured speed) stay as they are. The seed used is fixed too
      // (settings.seed may be null, "random each run"): with start noise a new seed makes another image.
      setRecipe(event.recipe)
      const next = { ...settingsRef.current, ...event.recipe.settings, seed: event.recipe.seed }
      settingsRef.current = next
      setSettings(next)
      setSettingsLoaded(true)
    }
    else setHostError(event.message)
  }), [host])

  // One small export per layer, once per layer size, for the thumbnails.
  useEffect(() => {
    const layers: LayerInfo[] = selection === null ? [] : [...(selection.content === null ? [] : [selection.content]), ...selection.styles]
    for (const layer of layers) {
      const key = `${layer.id}@${layer.width}x${layer.height}`
      if (requested.current.has(key) || layer.width <= 0 || layer.height <= 0) continue
      requested.current.add(key)
      host.exportLayerAsync(layer.id, THUMB_SIDE).then(
        (image): Thumb => ({ image }),
        (error: unknown): Thumb => ({ problem: describeError(error, 'export', { weightsUrl: weightsUrlOf(settingsRef.current), layerName: layer.name }) })
      ).then((thumb) => setThumbs((old) => new Map(old).set(layer.id, thumb)))
    }
  }, [host, selection])

  return {
    settings, settingsLoaded, selection, thumbs, recipe, hostError,
    updateSettings(patch) {
      const next = { ...settingsRef.current, ...patch }
      settingsRef.current = next
      setSettings(next)
      host.saveSettings(next)
    },
    clearHostError: () => setHostError(null)
  }
}
