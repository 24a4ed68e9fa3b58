// The simulated editor's document: a flat list of layers on one page (bottom first), a selection,
// plugin data, and an undo history of whole-document snapshots. This module uses the DOM.

export interface Layer {
  id: string
  name: string
  x: number
  y: number
  width: number
  height: number
  /** What the layer looks like; null for a broken image (bytes no browser can decode). */
  bitmap: ImageBitmap | null
  /** The original file bytes of a broken image, returned as-is by export (simulates damage). */
  brokenBytes: Uint8Array | null
  pluginData: Record<string, string>
}

export interface Snapshot {
  layers: Layer[]
  selection: string[]
}

export class PlaygroundDocument {
  layers: Layer[] = []
  selection: string[] = []
  #undo: Snapshot[] = []
  #ids = 0
  readonly listeners = new Set<() => void>()

  nextId(): string { return `1:${++this.#ids}` }

  find(id: string): Layer | undefined { return this.layers.find((l) => l.id === id) }

  /** Runs one change as one undo step (like a plugin action in Figma). */
  change(apply: () => void): void {
    this.#undo.push({ layers: this.layers.map((l) => ({ ...l, pluginData: { ...l.pluginData } })), selection: [...this.selection] })
    apply()
    this.emit()
  }

  undo(): boolean {
    const last = this.#undo.pop()
    if (last === undefined) return false
    this.layers = last.layers
    this.selection = last.selection
    this.emit()
    return true
  }

  get canUndo(): boolean { return this.#undo.length > 0 }

  select(ids: string[]): void {
    this.selection = ids.filter((id) => this.find(id) !== undefined)
    this.emit()
  }

  emit(): void { for (const listener of this.listeners) listener() }
}

/** Renders the page: layers bottom to top, selected ones outlined. */
export function drawDocument(doc: PlaygroundDocument, canvas: HTMLCanvasElement): void {
  const context = canvas.getContext('2d')
  if (context === null) return
  context.fillStyle = getComputedStyle(canvas).getPropertyValue('--canvas-bg') || '#e5e5e5'
  context.fillRect(0, 0, canvas.width, canvas.height)
  for (const layer of doc.layers) {
    if (layer.bitmap !== null) context.drawImage(layer.bitmap, layer.x, layer.y, layer.width, layer.height)
    else {
      context.fillStyle = '#bbb'
      context.fillRect(layer.x, layer.y, layer.width, layer.height)
      context.fillStyle = '#600'
      context.font = '12px sans-serif'
      context.fillText('Broken image', layer.x + 8, layer.y + 20)
    }
    context.fillStyle = '#666'
    context.font = '11px sans-serif'
    context.fillText(layer.name, layer.x, layer.y - 4)
  }
  for (const id of doc.selection) {
    const layer = doc.find(id)
    if (layer === undefined) continue
    context.strokeStyle = '#0d99ff'
    context.lineWidth = 2
    context.strokeRect(layer.x - 1, layer.y - 1, layer.width + 2, layer.height + 2)
  }
}

/** The top-most layer under a point, or null. */
export function hitTest(doc: PlaygroundDocument, x: number, y: number): Layer | null {
  for (let i = doc.layers.length - 1; i >= 0; i--) {
    const l = doc.layers[i]!
    if (x >= l.x && x <= l.x + l.width && y >= l.y && y <= l.y + l.height) return l
  }
  return null
}
