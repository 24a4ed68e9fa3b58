// What the UI needs from the editor it runs in. Figma is the only host today; the playground plays
// Figma's sandbox side, so it needs no host of its own.
import type { PluginMessage, Recipe, Settings } from '../../plugin/messages.js'
import type { RgbaImage } from '../../models/style-transfer/index.js'

/** Messages the sandbox sends on its own (not as a reply to a request). */
export type HostEvent = PluginMessage<'selection'> | PluginMessage<'settings'> | PluginMessage<'recipe'> | PluginMessage<'error'>

export interface Placed {
  nodeId: string
  /** A sentence to show, e.g. the content layer was deleted meanwhile; null when all went as planned. */
  notice: string | null
}

export interface Host {
  /** Registers the listener, then tells the sandbox the UI is ready. Returns an unsubscribe. */
  start(listener: (event: HostEvent) => void): () => void
  /** One layer as pixels, long side <= maxSide (smaller when the layer is small). */
  exportLayerAsync(nodeId: string, maxSide: number): Promise<RgbaImage>
  /** Places the result over the content, on top of its parent; tiles it when it is larger than Figma accepts. */
  placeResultAsync(image: RgbaImage, recipe: Recipe): Promise<Placed>
  setContent(nodeId: string): void
  saveSettings(settings: Settings): void
}

/** An error the sandbox reported: its message is already a sentence for the designer. */
export class HostError extends Error {
  override name = 'HostError'
}
