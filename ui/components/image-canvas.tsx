// Draws an RgbaImage into a canvas (thumbnails and the live preview).
import { useEffect, useRef } from 'preact/hooks'
import type { RgbaImage } from '../../models/style-transfer/index.js'

export interface ImageCanvasProps {
  image: RgbaImage
  /** Changes whenever the pixels change (images are redrawn, not compared). */
  version?: number
  label: string
  testId?: string
}

export function ImageCanvas({ image, version = 0, label, testId }: ImageCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const canvas = ref.current
    const context = canvas?.getContext('2d')
    if (canvas == null || context == null) return
    canvas.width = image.width
    canvas.height = image.height
    const data = new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.length)
    context.putImageData(new ImageData(data, image.width, image.height), 0, 0)
  }, [image, version])
  return <canvas ref={ref} role="img" aria-label={label} data-testid={testId} />
}
