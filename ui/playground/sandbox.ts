// Plays the Figma sandbox's side of the message contract (plugin/messages.ts) against the
// playground document: selection, export -> PNG bytes, place -> a new layer with the recipe in
// plugin data, settings storage, notify, and one undo step per placement.
import { exportScale } from '../../plugin/export-scale.js'
import {
  type LayerInfo, type PluginToUi, type Recipe, type Settings, type UiToPlugin,
  mergeSettings, parseUiToPlugin, requestIdOf
} from '../../plugin/messages.js'
import { type TileRect, checkTileCover } from '../../plugin/tiles.js'
import { resultName } from '../../plugin/result-name.js'
import type { Layer, PlaygroundDocument } from './document.js'

export interface SandboxOptions {
  doc: PlaygroundDocument
  post(message: PluginToUi): void
  notify(message: string): void
  initialSettings: Partial<Settings>
}

export class SimulatedSandbox {
  #contentId: string | null = null
  #settings: Settings
  /** Set by "Re-run style transfer": sent after the next `ready`. */
  pendingRecipe: Recipe | null = null
  /** Every placement received, as sent (one image, or tiles above 4096 px), for tests. */
  readonly placements: { type: 'place' | 'place-tiles'; width: number; height: number; tiles: TileRect[] }[] = []
  readonly o: SandboxOptions

  constructor(o: SandboxOptions) {
    this.o = o
    this.#settings = mergeSettings(o.initialSettings)
    o.doc.listeners.add(() => this.reportSelection())
  }

  get settings(): Settings { return this.#settings }

  async handleAsync(raw: unknown): Promise<void> {
    let message: UiToPlugin
    try {
      message = parseUiToPlugin(raw)
    } catch (error) {
      this.o.post({ type: 'error', requestId: requestIdOf(raw), message: `The plugin received an invalid message: ${String(error)}` })
      return
    }
    try {
      await this.#dispatchAsync(message)
    } catch (error) {
      this.o.post({ type: 'error', requestId: 'requestId' in message ? message.requestId : null, message: error instanceof Error ? error.message : String(error) })
    }
  }

  async #dispatchAsync(m: UiToPlugin): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.o.post({ type: 'settings', settings: this.#settings })
        const recipe = this.pendingRecipe
        this.pendingRecipe = null
        if (recipe === null) return this.reportSelection()
        return this.#sendRecipe(recipe)
      }
      case 'set-content':
        this.#contentId = m.nodeId
        return this.reportSelection()
      case 'export': {
        const layer = this.o.doc.find(m.nodeId)
        if (layer === undefined) throw new Error('The layer no longer exists. Select the layers again.')
        const png = await exportPngAsync(layer, m.maxSide)
        this.o.post({ type: 'image', requestId: m.requestId, nodeId: layer.id, ...png })
        return
      }
      case 'place':
      case 'place-tiles':
        return this.#placeAsync(m)
      case 'save-settings':
        this.#settings = m.settings
        this.o.post({ type: 'settings', settings: m.settings })
        return
      case 'notify':
        return this.o.notify(m.message)
      case 'close':
        return this.o.notify('The plugin closed itself (reload the panel to reopen it).')
    }
  }

  /**
   * As plugin/rerun-async.ts does in Figma: the recipe's inputs are selected again (content as
   * recorded, not by selection order), then the recipe is sent; missing inputs are said.
   */
  #sendRecipe(recipe: Recipe): void {
    const doc = this.o.doc
    const ids = [recipe.contentId, ...recipe.styleIds]
    const found = ids.filter((id) => doc.find(id) !== undefined)
    if (found.includes(recipe.contentId)) this.#contentId = recipe.contentId
    // select() reports the new selection to the panel through the document's listener.
    if (found.length > 0) doc.select(found)
    else this.reportSelection()
    this.o.post({ type: 'recipe', recipe })
    if (found.length < ids.length) {
      throw new Error(`${ids.length - found.length} of the layers this result was made from no longer exist on this page. Its settings were loaded; select new layers to run it again.`)
    }
  }

  reportSelection(): void {
    const doc = this.o.doc
    // Layers-panel order: top-most first, as in Figma's panel.
    const selected = doc.layers.filter((l) => doc.selection.includes(l.id)).reverse()
    const content = selected.find((l) => l.id === this.#contentId) ?? selected[0] ?? null
    this.#contentId = content?.id ?? this.#contentId
    const info = (l: Layer): LayerInfo => ({ id: l.id, name: l.name, width: l.width, height: l.height })
    const problem = selected.length === 0
      ? 'Nothing is selected. Select two layers: the content and at least one style (Shift-click to add a layer).'
      : selected.length === 1 ? `Only “${selected[0]!.name}” is selected. Shift-click a second layer to use as the style.` : null
    this.o.post({ type: 'selection', content: content === null ? null : info(content), styles: selected.filter((l) => l !== content).map(info), problem })
  }

  async #placeAsync(m: Extract<UiToPlugin, { type: 'place' | 'place-tiles' }>): Promise<void> {
    const doc = this.o.doc
    const tiles = m.type === 'place' ? [{ x: 0, y: 0, width: m.width, height: m.height, png: m.png }] : m.tiles
    this.placements.push({ type: m.type, width: m.width, height: m.height, tiles: tiles.map(({ x, y, width, height }) => ({ x, y, width, height })) })
    const cover = checkTileCover(m.width, m.height, tiles)
    if (cover !== null) throw new Error(`Could not place the result: ${cover}`)
    // Decode first: a failure leaves the document unchanged.
    const canvas = new OffscreenCanvas(m.width, m.height)
    const context = canvas.getContext('2d')!
    for (const tile of tiles) {
      const bitmap = await createImageBitmap(new Blob([tile.png as Uint8Array<ArrayBuffer>], { type: 'image/png' }))
      context.drawImage(bitmap, tile.x, tile.y)
      bitmap.close()
    }
    const bitmap = await createImageBitmap(canvas)
    const content = doc.find(m.recipe.contentId)
    const styleNames = m.recipe.styleIds.map((id) => doc.find(id)?.name ?? 'deleted style')
    const box = content ?? { x: 40, y: 260, width: m.width, height: m.height, name: 'deleted content' }
    const layer: Layer = {
      id: doc.nextId(), name: resultName(box.name, styleNames, doc.layers.map((l) => l.name)), x: box.x, y: box.y, width: box.width, height: box.height,
      bitmap, brokenBytes: null, pluginData: { recipe: JSON.stringify(m.recipe) }
    }
    doc.change(() => {
      // On top, as the plugin does (plugin/resolve-placement-async.ts): never under an earlier result.
      doc.layers.push(layer)
      doc.selection = [layer.id]
    })
    const notice = content === undefined ? 'The content layer was deleted meanwhile, so the result was placed on its own.' : null
    this.o.post({ type: 'placed', requestId: m.requestId, nodeId: layer.id, notice })
  }
}

/** Renders a layer to PNG at the scale Figma would use (plugin/export-scale.ts). */
async function exportPngAsync(layer: Layer, maxSide: number): Promise<{ png: Uint8Array; width: number; height: number }> {
  const scale = exportScale(layer.width, layer.height, maxSide)
  const width = Math.max(1, Math.round(layer.width * scale))
  const height = Math.max(1, Math.round(layer.height * scale))
  // A broken image's bytes go out as they are, the way a damaged file would reach the panel.
  if (layer.bitmap === null) return { png: layer.brokenBytes ?? new Uint8Array([0]), width, height }
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d')!
  context.drawImage(layer.bitmap, 0, 0, width, height)
  const blob = await canvas.convertToBlob({ type: 'image/png' })
  return { png: new Uint8Array(await blob.arrayBuffer()), width, height }
}
