// The playground page: a simulated editor beside the very same panel (ui.html) in an iframe.
// Query parameters seed the stored settings, e.g. ?backend=wasm&size=32&quality=custom&steps=1
// (a value in braces is JSON, e.g. speed={"backend":"wasm","msPerPixelIteration":0.01}).
import type { Settings } from '../../plugin/messages.js'
import { type Layer, PlaygroundDocument, drawDocument, hitTest } from './document.js'
import { drawContentAsync, drawStyleAsync } from './sample-layers.js'
import { SimulatedSandbox } from './sandbox.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const canvas = $<HTMLCanvasElement>('page')
const frame = $<HTMLIFrameElement>('panel')
const list = $<HTMLUListElement>('layers')
const doc = new PlaygroundDocument()

function settingsFromQuery(): Partial<Settings> {
  const q = new URLSearchParams(location.search)
  const out: Record<string, unknown> = { weightsUrl: new URL('/weights/', location.href).href }
  for (const [key, value] of q) out[key] = /^\d+(\.\d+)?$/.test(value) ? Number(value) : value.startsWith('{') ? JSON.parse(value) as unknown : value
  return out as Partial<Settings>
}

function toast(message: string): void {
  const el = $('toast')
  el.textContent = message
  el.hidden = false
  setTimeout(() => { if (el.textContent === message) el.hidden = true }, 4000)
}

const sandbox = new SimulatedSandbox({
  doc,
  // Structured clone, as Figma's postMessage does.
  post: (message) => frame.contentWindow?.postMessage({ pluginMessage: message }, '*'),
  notify: toast,
  initialSettings: settingsFromQuery()
})
window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow) return
  const data: unknown = event.data
  if (typeof data === 'object' && data !== null && 'pluginMessage' in data) void sandbox.handleAsync(data.pluginMessage)
})

function render(): void {
  drawDocument(doc, canvas)
  list.replaceChildren(...[...doc.layers].reverse().map((layer) => {
    const item = document.createElement('li')
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = layer.name
    button.dataset['id'] = layer.id
    button.setAttribute('aria-pressed', String(doc.selection.includes(layer.id)))
    button.addEventListener('click', (e) => selectLayer(layer, e.shiftKey || e.metaKey || e.ctrlKey))
    item.append(button)
    if (layer.pluginData['recipe'] !== undefined) {
      const rerun = document.createElement('button')
      rerun.type = 'button'
      rerun.textContent = 'Re-run style transfer'
      rerun.addEventListener('click', () => rerunFrom(layer))
      item.append(rerun)
    }
    return item
  }))
  $<HTMLButtonElement>('undo').disabled = !doc.canUndo
}
doc.listeners.add(render)

function selectLayer(layer: Layer, add: boolean): void {
  if (!add) return doc.select([layer.id])
  doc.select(doc.selection.includes(layer.id) ? doc.selection.filter((id) => id !== layer.id) : [...doc.selection, layer.id])
}

/** Like Figma's relaunch button: reopen the panel and hand it the stored recipe. */
function rerunFrom(layer: Layer): void {
  sandbox.pendingRecipe = JSON.parse(layer.pluginData['recipe'] ?? 'null')
  frame.src = 'ui.html'
}

canvas.addEventListener('click', (e) => {
  const rect = canvas.getBoundingClientRect()
  const layer = hitTest(doc, (e.clientX - rect.left) * (canvas.width / rect.width), (e.clientY - rect.top) * (canvas.height / rect.height))
  if (layer === null) doc.select([])
  else selectLayer(layer, e.shiftKey || e.metaKey || e.ctrlKey)
})

/** Adds a dropped or chosen file as a new layer; a file no browser can decode becomes a broken layer. */
async function addFileAsync(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let bitmap: ImageBitmap | null = null
  try {
    bitmap = await createImageBitmap(new Blob([bytes]))
  } catch {
    toast(`“${file.name}” is not an image this browser can read; it was added as a broken layer.`)
  }
  const scale = bitmap === null ? 1 : Math.min(1, 200 / Math.max(bitmap.width, bitmap.height))
  const width = bitmap === null ? 160 : Math.max(1, Math.round(bitmap.width * scale))
  const height = bitmap === null ? 120 : Math.max(1, Math.round(bitmap.height * scale))
  const layer: Layer = {
    id: doc.nextId(), name: file.name, x: 40 + doc.layers.length * 24, y: 300, width, height,
    bitmap, brokenBytes: bitmap === null ? bytes : null, pluginData: {}
  }
  doc.change(() => { doc.layers.push(layer); doc.selection = [layer.id] })
}

canvas.addEventListener('dragover', (e) => e.preventDefault())
canvas.addEventListener('drop', (e) => {
  e.preventDefault()
  for (const file of e.dataTransfer?.files ?? []) void addFileAsync(file)
})
$<HTMLInputElement>('add-file').addEventListener('change', (e) => {
  const input = e.currentTarget as HTMLInputElement
  for (const file of input.files ?? []) void addFileAsync(file)
  input.value = ''
})
$('undo').addEventListener('click', () => doc.undo())
$('delete').addEventListener('click', () => doc.change(() => {
  doc.layers = doc.layers.filter((l) => !doc.selection.includes(l.id))
  doc.selection = []
}))
window.addEventListener('keydown', (e) => {
  if ((e.metaKey || e.ctrlKey) && e.key === 'z') { e.preventDefault(); doc.undo() }
})
$('theme').addEventListener('click', () => {
  const dark = document.documentElement.classList.toggle('dark')
  // What Figma does for a themeColors panel: a class on the iframe's <html>.
  frame.contentDocument?.documentElement.classList.toggle('figma-dark', dark)
  // The page canvas paints its background from --canvas-bg only when drawn.
  render()
})
frame.addEventListener('load', () => {
  frame.contentDocument?.documentElement.classList.toggle('figma-dark', document.documentElement.classList.contains('dark'))
})

/** For tests and the curious: a summary of the document. */
const api = {
  layers: () => doc.layers.map((l) => ({ id: l.id, name: l.name, x: l.x, y: l.y, width: l.width, height: l.height, recipe: l.pluginData['recipe'] ?? null })),
  selection: () => [...doc.selection],
  settings: () => sandbox.settings,
  /** Mean [r, g, b] (0..255) of a layer's opaque pixels, for tests that measure colour. */
  meanColour: (id: string) => meanColourOf(doc.find(id)?.bitmap ?? null),
  /** A layer's pixels as a PNG data URL (tests compose before/after grids from these). */
  pngOf: (id: string) => pngOfAsync(doc.find(id)?.bitmap ?? null),
  /** Every place / place-tiles message the simulated sandbox received, without the PNG bytes. */
  placements: () => sandbox.placements,
  /** The pixel size of a layer's image (a result's resolution, apart from its box on the page). */
  imageSize: (id: string) => {
    const bitmap = doc.find(id)?.bitmap
    return bitmap == null ? null : { width: bitmap.width, height: bitmap.height }
  },
  /** RGBA bytes of a rectangle of a layer's image, row by row (tests look at tile seams). */
  pixels: (id: string, x: number, y: number, width: number, height: number) => pixelsOf(doc.find(id)?.bitmap ?? null, x, y, width, height)
}

function pixelsOf(bitmap: ImageBitmap | null, x: number, y: number, width: number, height: number): number[] | null {
  if (bitmap === null) return null
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d')
  if (context === null) return null
  context.drawImage(bitmap, -x, -y)
  return Array.from(context.getImageData(0, 0, width, height).data)
}

async function pngOfAsync(bitmap: ImageBitmap | null): Promise<string | null> {
  if (bitmap === null) return null
  const canvas = document.createElement('canvas')
  canvas.width = bitmap.width
  canvas.height = bitmap.height
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0)
  return canvas.toDataURL('image/png')
}

function meanColourOf(bitmap: ImageBitmap | null): [number, number, number] | null {
  if (bitmap === null) return null
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
  const context = canvas.getContext('2d')
  if (context === null) return null
  context.drawImage(bitmap, 0, 0)
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height)
  const sum = [0, 0, 0]
  let n = 0
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue
    n++
    for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!
  }
  return n === 0 ? null : [sum[0]! / n, sum[1]! / n, sum[2]! / n]
}
Object.assign(window, { playground: api })

async function startAsync(): Promise<void> {
  const content: Layer = { id: doc.nextId(), name: 'Landscape', x: 40, y: 40, width: 240, height: 160, bitmap: await drawContentAsync(240, 160), brokenBytes: null, pluginData: {} }
  const style: Layer = { id: doc.nextId(), name: 'Brush strokes', x: 320, y: 40, width: 160, height: 160, bitmap: await drawStyleAsync(160, 160), brokenBytes: null, pluginData: {} }
  doc.layers = [style, content]
  doc.selection = [content.id, style.id]
  render()
  // The panel loads after the document exists, so its `ready` finds the selection.
  frame.src = 'ui.html'
}
void startAsync()
