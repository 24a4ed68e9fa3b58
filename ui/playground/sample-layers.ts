// The two sample layers, drawn in code so the playground needs no image files: a small landscape
// (content) and a bold brush-stroke pattern (style).

function paint(width: number, height: number, draw: (c: OffscreenCanvasRenderingContext2D) => void): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2D canvas')
  draw(context)
  return createImageBitmap(canvas)
}

export function drawContentAsync(width: number, height: number): Promise<ImageBitmap> {
  return paint(width, height, (c) => {
    const sky = c.createLinearGradient(0, 0, 0, height)
    sky.addColorStop(0, '#7ec8f2')
    sky.addColorStop(1, '#f6e7c1')
    c.fillStyle = sky
    c.fillRect(0, 0, width, height)
    c.fillStyle = '#ffd34d'
    c.beginPath(); c.arc(width * 0.78, height * 0.28, height * 0.13, 0, Math.PI * 2); c.fill()
    c.fillStyle = '#4f8a3b'
    c.beginPath(); c.moveTo(0, height * 0.7)
    c.quadraticCurveTo(width * 0.3, height * 0.45, width * 0.6, height * 0.68)
    c.quadraticCurveTo(width * 0.8, height * 0.8, width, height * 0.62)
    c.lineTo(width, height); c.lineTo(0, height); c.fill()
    // A house: hard edges for the style to work on.
    c.fillStyle = '#c0392b'
    c.fillRect(width * 0.2, height * 0.55, width * 0.18, height * 0.2)
    c.fillStyle = '#5d3a1a'
    c.beginPath(); c.moveTo(width * 0.18, height * 0.56); c.lineTo(width * 0.29, height * 0.42); c.lineTo(width * 0.4, height * 0.56); c.fill()
  })
}

export function drawStyleAsync(width: number, height: number): Promise<ImageBitmap> {
  return paint(width, height, (c) => {
    c.fillStyle = '#14213d'
    c.fillRect(0, 0, width, height)
    const colours = ['#fca311', '#e63946', '#f1faee', '#2a9d8f', '#457b9d']
    // Deterministic "brush strokes": swirls of thick arcs.
    for (let i = 0; i < 60; i++) {
      c.strokeStyle = colours[i % colours.length]!
      c.lineWidth = 3 + (i % 5) * 2
      const cx = ((i * 37) % 100) / 100 * width
      const cy = ((i * 53) % 100) / 100 * height
      c.beginPath(); c.arc(cx, cy, 8 + (i % 7) * 5, i, i + 2.5); c.stroke()
    }
  })
}
