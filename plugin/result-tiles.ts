import type { ResultTile, UiMessage } from './messages.js'
import { readPngSize } from './png-size.js'
import { checkTileCover } from './tiles.js'

/**
 * The result as a list of tiles (a single image is one tile), checked before anything is created:
 * every PNG's header must match its declared size and the tiles must cover the image exactly, so
 * figma.createImage never sees an image it rejects.
 */
export function resultTiles(message: UiMessage<'place'> | UiMessage<'place-tiles'>): ResultTile[] {
  const tiles =
    message.type === 'place'
      ? [{ png: message.png, x: 0, y: 0, width: message.width, height: message.height }]
      : message.tiles
  const cover = checkTileCover(message.width, message.height, tiles)
  if (cover !== null) throw new Error(cover)
  for (const [i, tile] of tiles.entries()) {
    const size = readPngSize(tile.png)
    const label = message.type === 'place' ? 'the image' : `tiles[${i}]`
    if (size === null) throw new Error(`${label} is not a PNG`)
    if (size.width !== tile.width || size.height !== tile.height) {
      throw new Error(`${label} is ${size.width}×${size.height} px but was sent as ${tile.width}×${tile.height}`)
    }
  }
  return tiles
}
