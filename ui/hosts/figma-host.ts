// The UI side of the plugin <-> UI contract (plugin/messages.ts). This module uses the DOM and must
// run in the UI iframe. Requests carry a counter id; each reply is matched to its request, and a
// listener is registered once for the whole session (never replaced per request).
import {
  type PluginToUi, type Recipe, type Settings, type ResultTile, type UiToPlugin, MAX_IMAGE_SIDE, parsePluginToUi, planTiles
} from '../../plugin/messages.js'
import type { RgbaImage } from '../../models/style-transfer/index.js'
import { cropImage } from '../image/crop-image.js'
import { decodePngAsync } from '../image/decode-png-async.js'
import { encodePngAsync } from '../image/encode-png-async.js'
import { type Host, type HostEvent, type Placed, HostError } from './host.js'

type Reply = Extract<PluginToUi, { type: 'image' | 'placed' | 'error' }>

export function createFigmaHost(target: Window = window.parent): Host {
  let nextId = 0
  const pending = new Map<string, (reply: Reply) => void>()
  const send = (message: UiToPlugin): void => target.postMessage({ pluginMessage: message }, '*')

  const requestAsync = <T extends Reply['type']>(
    build: (requestId: string) => UiToPlugin, expected: T
  ): Promise<Extract<Reply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const requestId = `r${++nextId}`
      pending.set(requestId, (reply) => {
        pending.delete(requestId)
        if (reply.type === 'error') reject(new HostError(reply.message))
        else if (reply.type === expected) resolve(reply as Extract<Reply, { type: T }>)
        else reject(new Error(`expected ${expected}, got ${reply.type}`))
      })
      send(build(requestId))
    })

  return {
    start(listener) {
      const onMessage = (event: MessageEvent<unknown>): void => {
        const data = event.data
        if (typeof data !== 'object' || data === null || !('pluginMessage' in data)) return
        let message: PluginToUi
        try {
          message = parsePluginToUi(data.pluginMessage)
        } catch (error) {
          // A malformed message is a bug on the sandbox side; say so instead of ignoring it.
          listener({ type: 'error', requestId: null, message: `The plugin sent a message the panel cannot read (${String(error)}). Close and reopen the plugin.` })
          return
        }
        const waiting = 'requestId' in message && message.requestId !== null ? pending.get(message.requestId) : undefined
        if (waiting !== undefined && (message.type === 'image' || message.type === 'placed' || message.type === 'error')) waiting(message)
        else if (message.type !== 'image' && message.type !== 'placed') listener(message as HostEvent)
      }
      window.addEventListener('message', onMessage)
      send({ type: 'ready' })
      return () => window.removeEventListener('message', onMessage)
    },
    async exportLayerAsync(nodeId, maxSide) {
      const reply = await requestAsync((requestId) => ({ type: 'export', requestId, nodeId, maxSide }), 'image')
      return decodePngAsync(reply.png)
    },
    async placeResultAsync(image: RgbaImage, recipe: Recipe): Promise<Placed> {
      const { width, height } = image
      let reply
      if (width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE) {
        const png = await encodePngAsync(image)
        reply = await requestAsync((requestId) => ({ type: 'place', requestId, png, width, height, recipe }), 'placed')
      } else {
        // figma.createImage refuses more than 4096 px per side (platform-facts H1): send tiles.
        const tiles: ResultTile[] = []
        for (const rect of planTiles(width, height)) tiles.push({ ...rect, png: await encodePngAsync(cropImage(image, rect)) })
        reply = await requestAsync((requestId) => ({ type: 'place-tiles', requestId, width, height, tiles, recipe }), 'placed')
      }
      return { nodeId: reply.nodeId, notice: reply.notice }
    },
    setContent: (nodeId) => send({ type: 'set-content', nodeId }),
    saveSettings: (settings: Settings) => send({ type: 'save-settings', settings })
  }
}
