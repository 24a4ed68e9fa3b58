// Scene nodes for the figma fake. Behaviour copied from Figma where the plugin depends on it:
// removed nodes throw on use, insertChild checks its index and refuses instances, groups keep
// their children's coordinates in the group's parent space and vanish when emptied, exports are
// real PNGs of the node's box x scale.
import { renderPng } from './figma-images.js'

export type Matrix = [[number, number, number], [number, number, number]]

export interface Paint {
  type: string
  imageHash?: string | null
  scaleMode?: string
  [key: string]: unknown
}

export interface ExportSettings {
  format: string
  constraint?: { type: 'SCALE' | 'WIDTH' | 'HEIGHT'; value: number }
  useAbsoluteBounds?: boolean
  contentsOnly?: boolean
  colorProfile?: string
}

/** What a node needs from the fake it lives in. */
export interface NodeHost {
  nextId(): string
  log(change: string): void
  fault(operation: string): void
  hasImage(hash: string): boolean
  relaunchCommands(): readonly string[]
  register(node: FakeNode): void
  exports: { nodeId: string; settings: ExportSettings; width: number; height: number }[]
}

// Nodes whose children are positioned in their own coordinate system. GROUP and BOOLEAN_OPERATION
// are not: their children's x/y are relative to the group's parent, as in Figma.
const FRAME_LIKE = new Set(['FRAME', 'COMPONENT', 'INSTANCE', 'SECTION'])
const CONTAINERS = new Set(['DOCUMENT', 'PAGE', 'FRAME', 'GROUP', 'COMPONENT', 'INSTANCE', 'SECTION', 'BOOLEAN_OPERATION'])

export interface NodeInit {
  name?: string
  x?: number
  y?: number
  width?: number
  height?: number
  rotation?: number
  /** Simulates a node type without ExportMixin (no exportAsync property at all). */
  withoutExport?: boolean
}

export class FakeNode {
  readonly id: string
  readonly type: string
  removed = false
  layoutPositioning: 'AUTO' | 'ABSOLUTE' = 'AUTO'
  // `declare`: own properties only where Figma has them, so `'exportAsync' in node` and
  // `'layoutMode' in node` answer as they would in Figma.
  declare layoutMode?: 'NONE' | 'HORIZONTAL' | 'VERTICAL'
  declare exportAsync?: (settings?: ExportSettings) => Promise<Uint8Array>
  #name: string
  #x: number
  #y: number
  #width: number
  #height: number
  #rotation: number
  #visible = true
  #parent: FakeNode | null = null
  #children: FakeNode[] | null
  #fills: readonly Paint[] = []
  #pluginData = new Map<string, string>()
  #relaunchData: Record<string, string> = {}

  constructor(readonly host: NodeHost, type: string, init: NodeInit = {}) {
    this.id = host.nextId()
    this.type = type
    this.#name = init.name ?? type.charAt(0) + type.slice(1).toLowerCase()
    this.#x = init.x ?? 0
    this.#y = init.y ?? 0
    this.#width = init.width ?? 100
    this.#height = init.height ?? 100
    this.#rotation = init.rotation ?? 0
    this.#children = CONTAINERS.has(type) ? [] : null
    if (type === 'FRAME' || type === 'COMPONENT' || type === 'INSTANCE') this.layoutMode = 'NONE'
    if (type !== 'DOCUMENT' && type !== 'PAGE' && init.withoutExport !== true) {
      this.exportAsync = (settings) => this.#exportAsync(settings)
    }
    host.register(this)
  }

  /** Figma throws on nearly any use of a removed node. */
  #live(): void {
    if (this.removed) throw new Error(`The node with id "${this.id}" does not exist`)
  }

  get name(): string { this.#live(); return this.#name }
  set name(value: string) { this.#live(); this.#name = value; this.host.log(`name ${this.id}`) }

  get parent(): FakeNode | null { this.#live(); return this.#parent }

  get children(): readonly FakeNode[] {
    this.#live()
    if (this.#children === null) throw new Error(`${this.type} has no children`)
    return [...this.#children]
  }

  get x(): number { this.#live(); return this.type === 'GROUP' ? this.#groupBox().x : this.#x }
  set x(value: number) { this.#move(value - this.x, 0) }
  get y(): number { this.#live(); return this.type === 'GROUP' ? this.#groupBox().y : this.#y }
  set y(value: number) { this.#move(0, value - this.y) }
  get width(): number { this.#live(); return this.type === 'GROUP' ? this.#groupBox().width : this.#width }
  get height(): number { this.#live(); return this.type === 'GROUP' ? this.#groupBox().height : this.#height }
  /** Figma: SceneNode.visible, true for new nodes; the eye toggle in the layers panel. */
  get visible(): boolean { this.#live(); return this.#visible }
  set visible(value: boolean) { this.#live(); this.#visible = value; this.host.log(`visible ${this.id}`) }
  get rotation(): number { this.#live(); return this.#rotation }
  set rotation(value: number) { this.#live(); this.#rotation = value; this.host.log(`rotation ${this.id}`) }

  /** Figma: [[cos θ, sin θ, x], [-sin θ, cos θ, y]], θ counter-clockwise in degrees. */
  get relativeTransform(): Matrix {
    const t = (this.rotation * Math.PI) / 180
    return [[Math.cos(t), Math.sin(t), this.x], [-Math.sin(t), Math.cos(t), this.y]]
  }

  /** The axis-aligned box this node covers in its parent's coordinates. */
  boxInParent(): { x: number; y: number; width: number; height: number } {
    const [[a, b, tx], [c, d, ty]] = this.relativeTransform
    const xs = [tx, tx + a * this.width, tx + b * this.height, tx + a * this.width + b * this.height]
    const ys = [ty, ty + c * this.width, ty + d * this.height, ty + c * this.width + d * this.height]
    const x = Math.min(...xs)
    const y = Math.min(...ys)
    return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }
  }

  /** Page coordinates. The fake ignores rotation of ancestors (none of the tests rotate frames). */
  get absoluteBoundingBox(): { x: number; y: number; width: number; height: number } {
    const box = this.boxInParent()
    for (let p = this.parent; p !== null; p = p.parent) {
      if (FRAME_LIKE.has(p.type)) { box.x += p.x; box.y += p.y }
    }
    return box
  }

  get fills(): readonly Paint[] { this.#live(); return this.#fills }
  set fills(paints: readonly Paint[]) {
    this.#live()
    for (const paint of paints) {
      if (paint.type === 'IMAGE' && (typeof paint.imageHash !== 'string' || !this.host.hasImage(paint.imageHash))) {
        throw new Error(`Invalid image hash ${String(paint.imageHash)}: create it with figma.createImage first`)
      }
    }
    this.#fills = Object.freeze(paints.map((p) => Object.freeze({ ...p })))
    this.host.log(`fills ${this.id}`)
  }

  resize(width: number, height: number): void {
    this.#live()
    this.host.fault('resize')
    if (!(width >= 0.01) || !(height >= 0.01)) throw new Error(`Expected width and height >= 0.01, got ${width}×${height}`)
    this.#width = width
    this.#height = height
    this.host.log(`resize ${this.id}`)
  }

  getPluginData(key: string): string { this.#live(); return this.#pluginData.get(key) ?? '' }
  setPluginData(key: string, value: string): void {
    this.#live()
    this.host.fault('setPluginData')
    if (typeof value !== 'string') throw new Error('setPluginData: value must be a string')
    this.#pluginData.set(key, value)
    this.host.log(`pluginData ${this.id} ${key}`)
  }
  getPluginDataKeys(): string[] { this.#live(); return [...this.#pluginData.keys()] }

  getRelaunchData(): Record<string, string> { this.#live(); return { ...this.#relaunchData } }
  /** Each call replaces all relaunch data; commands must exist in manifest.json relaunchButtons. */
  setRelaunchData(data: Record<string, string>): void {
    this.#live()
    this.host.fault('setRelaunchData')
    for (const [command, description] of Object.entries(data)) {
      if (!this.host.relaunchCommands().includes(command)) {
        throw new Error(`setRelaunchData: command "${command}" is not in the manifest's relaunchButtons`)
      }
      if (description.length > 1000) throw new Error('setRelaunchData: description longer than 1000 characters')
    }
    this.#relaunchData = { ...data }
    this.host.log(`relaunchData ${this.id}`)
  }

  appendChild(child: FakeNode): void {
    this.insertChild(this.#children?.length ?? 0, child)
  }

  insertChild(index: number, child: FakeNode): void {
    this.#live()
    child.#live()
    this.host.fault('insertChild')
    if (this.#children === null) throw new Error(`${this.type} cannot have children`)
    for (let p: FakeNode | null = this; p !== null; p = p.#parent) {
      if (p.type === 'INSTANCE') throw new Error('Cannot move node. New parent is an instance or is inside of an instance')
      if (p === child) throw new Error('Cannot move node. A node cannot be inserted into itself or its descendants')
    }
    const from = child.#parent
    const length = this.#children.length - (from === this ? 1 : 0)
    if (!Number.isInteger(index) || index < 0 || index > length) {
      throw new Error(`insertChild: index ${index} out of range 0..${length}`)
    }
    child.#detach()
    this.#children.splice(index, 0, child)
    child.#parent = this
    this.host.log(`insert ${child.id} ${this.id}@${index}`)
  }

  /** Test setup only: builds documents Figma could hold but a plugin could not make (instance children). */
  setupAppend(child: FakeNode): void {
    if (this.#children === null) throw new Error(`${this.type} cannot have children`)
    child.#detach()
    this.#children.push(child)
    child.#parent = this
  }

  remove(): void {
    this.#live()
    if (this.type === 'DOCUMENT' || this.type === 'PAGE') throw new Error(`Cannot remove a ${this.type}`)
    this.#detach()
    this.#markRemoved()
    this.host.log(`remove ${this.id}`)
  }

  /** Used by figma.group: moves nodes in while keeping their page positions. */
  adoptKeepingPosition(child: FakeNode): void {
    const before = child.absoluteBoundingBox
    this.appendChild(child)
    const after = child.absoluteBoundingBox
    child.#x += before.x - after.x
    child.#y += before.y - after.y
  }

  #detach(): void {
    const parent = this.#parent
    if (parent === null || parent.#children === null) return
    parent.#children.splice(parent.#children.indexOf(this), 1)
    this.#parent = null
    // Figma deletes a group (or boolean operation) that loses its last child.
    if ((parent.type === 'GROUP' || parent.type === 'BOOLEAN_OPERATION') && parent.#children.length === 0) {
      parent.#detach()
      parent.#markRemoved()
    }
  }

  #markRemoved(): void {
    this.removed = true
    for (const child of this.#children ?? []) child.#markRemoved()
  }

  #move(dx: number, dy: number): void {
    this.#live()
    if (this.type === 'GROUP') {
      for (const child of this.#children ?? []) child.#move(dx, dy)
    } else {
      this.#x += dx
      this.#y += dy
    }
    this.host.log(`move ${this.id}`)
  }

  #groupBox(): { x: number; y: number; width: number; height: number } {
    const boxes = (this.#children ?? []).map((c) => c.boxInParent())
    const x = Math.min(...boxes.map((b) => b.x))
    const y = Math.min(...boxes.map((b) => b.y))
    return {
      x, y,
      width: Math.max(...boxes.map((b) => b.x + b.width)) - x,
      height: Math.max(...boxes.map((b) => b.y + b.height)) - y
    }
  }

  async #exportAsync(settings: ExportSettings = { format: 'PNG' }): Promise<Uint8Array> {
    this.#live()
    this.host.fault('exportAsync')
    if (settings.format !== 'PNG') throw new Error(`fake exportAsync: format ${settings.format} not implemented`)
    // useAbsoluteBounds: the node's full box; the fake has no effects, so contentsOnly changes nothing.
    const box = this.boxInParent()
    const c = settings.constraint ?? { type: 'SCALE', value: 1 }
    if (!(c.value > 0)) throw new Error('exportAsync: constraint value must be > 0')
    const scale = c.type === 'SCALE' ? c.value : c.type === 'WIDTH' ? c.value / box.width : c.value / box.height
    const width = Math.round(box.width * scale)
    const height = Math.round(box.height * scale)
    if (!(width >= 1 && height >= 1)) throw new Error(`Failed to export "${this.name}": the image would be empty`)
    this.host.exports.push({ nodeId: this.id, settings, width, height })
    return renderPng(width, height, Number(this.id.split(':')[1] ?? 0))
  }
}
