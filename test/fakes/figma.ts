// One faithful fake of the parts of the Figma plugin API this plugin uses, installed as
// globalThis.figma. Where Figma enforces something the plugin relies on, the fake enforces it too
// (createImage formats and the 4096 px limit, insertChild ranges, clientStorage's 5 MB, relaunch
// commands from manifest.json, getNodeById throwing under dynamic-page, structured cloning of
// every UI message). Tests drive it as the user and the UI would: select(), sendFromUi().
import { readFileSync } from 'node:fs'
import { FIGMA_MAX_IMAGE_SIDE, imageHash, sniffImage } from './figma-images.js'
import { type ExportSettings, FakeNode, type NodeHost, type NodeInit } from './figma-nodes.js'

export { FakeNode } from './figma-nodes.js'
export { renderPng } from './figma-images.js'

type Listener = (...args: unknown[]) => void
type MessageHandler = (message: unknown, props: { origin: string }) => void

const CLIENT_STORAGE_LIMIT = 5 * 1024 * 1024
const MANIFEST_URL = new URL('../../manifest.json', import.meta.url)

export interface FakeImage {
  hash: string
  getBytesAsync(): Promise<Uint8Array>
  getSizeAsync(): Promise<{ width: number; height: number }>
}

export class FakeFigma implements NodeHost {
  // ---- what tests inspect -------------------------------------------------------------------
  /** Every message the plugin posted to the UI, structured-cloned as postMessage does. */
  readonly toUi: unknown[] = []
  /** Committed undo steps, each the list of document changes it undoes. */
  readonly undoSteps: string[][] = []
  /** Document changes since the last commitUndo. */
  pendingChanges: string[] = []
  readonly notifications: { message: string; options: unknown }[] = []
  readonly scrolledTo: string[][] = []
  readonly exports: { nodeId: string; settings: ExportSettings; width: number; height: number }[] = []
  readonly images = new Map<string, { bytes: Uint8Array; width: number; height: number }>()
  readonly storage = new Map<string, unknown>()
  shownUi: { html: string; options: unknown } | null = null
  closed: { message: string | undefined } | null = null

  // ---- the API object handed to the plugin as `figma` -----------------------------------------
  readonly api: Record<string, unknown>
  readonly root: FakeNode
  #page: FakeNode
  #selection: FakeNode[] = []
  #ids = 0
  #nodes = new Map<string, FakeNode>()
  #listeners = new Map<string, Set<Listener>>()
  #onmessage: MessageHandler | undefined
  #messageListeners = new Set<MessageHandler>()
  #faults = new Map<string, number>()
  #relaunchCommands: readonly string[]
  viewportCenter = { x: 500, y: 400 }

  constructor(options: { command?: string } = {}) {
    const manifest: unknown = JSON.parse(readFileSync(MANIFEST_URL, 'utf8'))
    this.#relaunchCommands = relaunchCommandsOf(manifest)
    this.root = new FakeNode(this, 'DOCUMENT', { name: 'Document' })
    this.#page = this.page('Page 1')
    this.pendingChanges = []
    this.api = this.#buildApi(options.command ?? '')
  }

  // ---- NodeHost -------------------------------------------------------------------------------
  nextId(): string { return `1:${++this.#ids}` }
  log(change: string): void { this.pendingChanges.push(change) }
  register(node: FakeNode): void { this.#nodes.set(node.id, node) }
  hasImage(hash: string): boolean { return this.images.has(hash) }
  relaunchCommands(): readonly string[] { return this.#relaunchCommands }
  /** Throws if a failure was injected for this operation and its countdown reached zero. */
  fault(operation: string): void {
    const left = this.#faults.get(operation)
    if (left === undefined) return
    if (left > 1) return void this.#faults.set(operation, left - 1)
    this.#faults.delete(operation)
    throw new Error(`Injected failure in ${operation}`)
  }

  /** Makes the nth call (1 = next) of an operation throw, to test recovery midway. */
  failOn(operation: 'createRectangle' | 'group' | 'insertChild' | 'resize' | 'setPluginData' | 'setRelaunchData' | 'scrollAndZoomIntoView' | 'exportAsync' | 'createImage', nth = 1): void {
    this.#faults.set(operation, nth)
  }

  // ---- building documents ----------------------------------------------------------------------
  get currentPage(): FakeNode { return this.#page }

  page(name: string): FakeNode {
    const page = new FakeNode(this, 'PAGE', { name })
    this.root.appendChild(page)
    // The fake keeps one selection, that of the current page.
    Object.defineProperty(page, 'selection', {
      get: () => (page === this.#page ? [...this.#selection] : []),
      set: (nodes: readonly FakeNode[]) => {
        if (page !== this.#page) throw new Error('The fake only supports selecting on the current page')
        this.#setSelection(nodes)
      }
    })
    return page
  }

  /** Adds a node to `parent` (default: the current page), on top. Not an undoable plugin change. */
  add(type: string, init: NodeInit & { parent?: FakeNode } = {}): FakeNode {
    const node = new FakeNode(this, type, init)
    ;(init.parent ?? this.#page).setupAppend(node)
    this.pendingChanges = []
    return node
  }

  /** The user's selection change (fires selectionchange like Figma). */
  async select(...nodes: FakeNode[]): Promise<void> {
    this.#setSelection(nodes)
    await this.settle()
  }

  /** The UI posting {pluginMessage: message}; resolves once the plugin has handled it. */
  async sendFromUi(message: unknown): Promise<void> {
    const copy = structuredClone(message)
    this.#onmessage?.(copy, { origin: 'null' })
    for (const handler of this.#messageListeners) handler(structuredClone(message), { origin: 'null' })
    await this.settle()
  }

  /** Lets every pending promise and queued event run (the fake never uses timers). */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  }

  messagesOfType(type: string): Record<string, unknown>[] {
    return this.toUi.filter((m): m is Record<string, unknown> => isRecord(m) && m['type'] === type)
  }

  lastMessage(): Record<string, unknown> {
    const last = this.toUi.at(-1)
    if (!isRecord(last)) throw new Error('The plugin has not posted any message')
    return last
  }

  get selectionIds(): string[] { return this.#selection.map((n) => n.id) }

  nodeById(id: string): FakeNode | undefined { return this.#nodes.get(id) }

  /** A text dump of the document, to assert that it is unchanged. */
  snapshot(node: FakeNode = this.root, depth = 0): string {
    const fills = node.type === 'DOCUMENT' || node.type === 'PAGE' ? '' : ` fills=${JSON.stringify(node.fills)}`
    const geometry = node.type === 'DOCUMENT' || node.type === 'PAGE' ? '' : ` ${node.x},${node.y} ${node.width}×${node.height} r${node.rotation}${node.visible ? '' : ' hidden'}`
    const data = node.getPluginDataKeys().map((k) => `${k}=${node.getPluginData(k)}`).join(';')
    const line = `${'  '.repeat(depth)}${node.type} ${node.id} "${node.name}"${geometry}${fills} ${data}`
    const hasChildren = ['DOCUMENT', 'PAGE', 'FRAME', 'GROUP', 'COMPONENT', 'INSTANCE', 'SECTION'].includes(node.type)
    return [line, ...(hasChildren ? node.children.map((c) => this.snapshot(c, depth + 1)) : [])].join('\n')
  }

  // ---- internals -------------------------------------------------------------------------------
  #setSelection(nodes: readonly FakeNode[]): void {
    for (const node of nodes) {
      if (node.removed) throw new Error(`The node with id "${node.id}" does not exist`)
      if (pageOf(node) !== this.#page) throw new Error(`Node ${node.id} is not on the current page`)
    }
    this.#selection = [...new Set(nodes)]
    // Figma delivers selectionchange after the current task, not inside the setter.
    queueMicrotask(() => this.#emit('selectionchange'))
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args)
  }

  #createImage(bytes: unknown): FakeImage {
    this.fault('createImage')
    if (!(bytes instanceof Uint8Array)) throw new Error('createImage: expected a Uint8Array')
    const image = sniffImage(bytes)
    if (image === null) throw new Error('Image type is unsupported')
    if (image.width < 1 || image.height < 1) throw new Error('Image is too small')
    if (image.width > FIGMA_MAX_IMAGE_SIDE || image.height > FIGMA_MAX_IMAGE_SIDE) throw new Error('Image is too large')
    const hash = imageHash(bytes)
    this.images.set(hash, { bytes: bytes.slice(), width: image.width, height: image.height })
    return {
      hash,
      getBytesAsync: async () => bytes.slice(),
      getSizeAsync: async () => ({ width: image.width, height: image.height })
    }
  }

  #group(nodes: readonly FakeNode[], parent: FakeNode, index?: number): FakeNode {
    this.fault('group')
    if (nodes.length === 0) throw new Error('Grouping requires at least one node')
    const group = new FakeNode(this, 'GROUP', { name: 'Group' })
    // Insert the group first (index counted before the nodes leave the parent), then adopt them.
    parent.insertChild(Math.min(index ?? parent.children.length, parent.children.length), group)
    for (const node of nodes) group.adoptKeepingPosition(node)
    this.log(`group ${group.id}`)
    return group
  }

  async #setStorage(key: string, value: unknown): Promise<void> {
    const copy = structuredClone(value)
    const next = new Map(this.storage).set(key, copy)
    let size = 0
    for (const [k, v] of next) size += k.length + (v instanceof Uint8Array ? v.byteLength : (JSON.stringify(v) ?? '').length)
    if (size > CLIENT_STORAGE_LIMIT) throw new Error('clientStorage: storage limit exceeded (5 MB)')
    this.storage.set(key, copy)
  }

  #buildApi(command: string): Record<string, unknown> {
    const fake = this
    const ui = {
      postMessage: (message: unknown) => { fake.toUi.push(structuredClone(message)) },
      get onmessage(): MessageHandler | undefined { return fake.#onmessage },
      set onmessage(handler: MessageHandler | undefined) { fake.#onmessage = handler },
      on: (type: string, handler: MessageHandler) => { if (type === 'message') fake.#messageListeners.add(handler) },
      off: (type: string, handler: MessageHandler) => { if (type === 'message') fake.#messageListeners.delete(handler) },
      resize: () => undefined,
      show: () => undefined,
      hide: () => undefined,
      close: () => undefined
    }
    return {
      command,
      editorType: 'figma',
      root: this.root,
      get currentPage(): FakeNode { return fake.#page },
      set currentPage(_: FakeNode) {
        throw new Error('Cannot set currentPage with documentAccess: dynamic-page. Use figma.setCurrentPageAsync instead.')
      },
      ui,
      showUI: (html: string, options?: unknown) => { fake.shownUi = { html, options } },
      closePlugin: (message?: string) => { fake.closed = { message } },
      notify: (message: string, options?: unknown) => {
        fake.notifications.push({ message, options })
        return { cancel: () => undefined }
      },
      on: (event: string, listener: Listener) => {
        const set = fake.#listeners.get(event) ?? new Set<Listener>()
        fake.#listeners.set(event, set.add(listener))
      },
      off: (event: string, listener: Listener) => { fake.#listeners.get(event)?.delete(listener) },
      getNodeById: () => {
        throw new Error('Cannot call getNodeById with documentAccess: dynamic-page. Use figma.getNodeByIdAsync instead.')
      },
      getNodeByIdAsync: async (id: string) => {
        const node = fake.#nodes.get(id)
        return node === undefined || node.removed ? null : node
      },
      createRectangle: () => {
        fake.fault('createRectangle')
        const rect = new FakeNode(fake, 'RECTANGLE', { name: 'Rectangle' })
        rect.fills = [{ type: 'SOLID', color: { r: 0.85, g: 0.85, b: 0.85 } }]
        // Figma puts new nodes on top of the current page.
        fake.#page.appendChild(rect)
        fake.log(`create ${rect.id}`)
        return rect
      },
      createImage: (bytes: unknown) => fake.#createImage(bytes),
      group: (nodes: readonly FakeNode[], parent: FakeNode, index?: number) => fake.#group(nodes, parent, index),
      commitUndo: () => {
        if (fake.pendingChanges.length > 0) fake.undoSteps.push(fake.pendingChanges)
        fake.pendingChanges = []
      },
      viewport: {
        get center() { return { ...fake.viewportCenter } },
        zoom: 1,
        scrollAndZoomIntoView: (nodes: readonly FakeNode[]) => {
          fake.fault('scrollAndZoomIntoView')
          fake.scrolledTo.push(nodes.map((n) => n.id))
        }
      },
      clientStorage: {
        getAsync: async (key: string) => structuredClone(fake.storage.get(key)),
        setAsync: (key: string, value: unknown) => fake.#setStorage(key, value),
        deleteAsync: async (key: string) => { fake.storage.delete(key) },
        keysAsync: async () => [...fake.storage.keys()]
      }
    }
  }
}

/** Creates a fresh fake and installs it as globalThis.figma (and __html__). */
export function installFakeFigma(options: { command?: string } = {}): FakeFigma {
  const fake = new FakeFigma(options)
  const globals = globalThis as unknown as Record<string, unknown>
  globals['figma'] = fake.api
  globals['__html__'] = '<div id="app"></div>'
  return fake
}

function pageOf(node: FakeNode): FakeNode | null {
  let current: FakeNode | null = node
  while (current !== null && current.type !== 'PAGE') current = current.parent
  return current
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function relaunchCommandsOf(manifest: unknown): string[] {
  if (!isRecord(manifest) || !Array.isArray(manifest['relaunchButtons'])) return []
  return manifest['relaunchButtons'].flatMap((b: unknown) => (isRecord(b) && typeof b['command'] === 'string' ? [b['command']] : []))
}
