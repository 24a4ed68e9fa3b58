// Light and dark theme, and the keyboard, in real headless Chromium on wasm at 32 px.
//
// Figma opens the panel with showUI(__html__, { themeColors: true }): it puts a figma-dark (or
// figma-light) class on the panel's <html> and defines --figma-color-* variables. The playground's
// "Light / dark" button sets the same class and no variables, so the panel shows its own
// fallbacks; a third check defines the variables the way Figma does and sees the panel follow
// them. Screenshots of both themes go to test-artifacts/theme-{light,dark}.png (page and panel
// after a run) and theme-{light,dark}-error.png (the panel with an error banner).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Frame } from 'playwright-core'
import { ARTIFACTS, type Playground, type Session, openPlaygroundAsync, startSession, transferAsync } from './support/browser.js'

const QUICK = { backend: 'wasm', size: 32, quality: 'custom', steps: 1 }
let session: Session
before(async () => { session = await startSession() })
after(async () => { await session?.close() })

function panelFrame(pg: Playground): Frame {
  const frame = pg.page.frames().find((f) => f.url().endsWith('/ui.html'))
  if (frame === undefined) throw new Error('panel frame not found')
  return frame
}

interface Pair { what: string; text: string; background: string; ratio: number }
/** A colour other than the text's (`property` of `selector`) against the background of `on`. */
interface Target { selector: string; property: string; on: string }

/**
 * WCAG 2 contrast of the text of each element against the background it sits on (the nearest
 * ancestor with an opaque background colour, semi-transparent ones composited over it).
 */
async function contrastsAsync(frame: Frame, targets: Record<string, string | Target>): Promise<Pair[]> {
  // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
  return await frame.evaluate(`(${CONTRASTS})(${JSON.stringify(targets)})`) as Pair[]
}

const CONTRASTS = `(targets) => {
  const parse = (css) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(css)
    if (m === null) throw new Error('unexpected colour ' + css)
    const parts = m[1].split(/[\\s,/]+/).filter((p) => p !== '').map(Number)
    return [parts[0], parts[1], parts[2], parts[3] ?? 1]
  }
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1)
  const backgroundOf = (el) => {
    const layers = []
    for (let e = el; e !== null; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor)
      if (c[3] > 0) layers.push(c)
      if (c[3] === 1) break
    }
    // Under everything: white in a light colour scheme, black in a dark one.
    let colour = getComputedStyle(document.documentElement).colorScheme === 'dark' ? [0, 0, 0, 1] : [255, 255, 255, 1]
    for (const layer of layers.reverse()) colour = over(layer, colour)
    return colour
  }
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4 })
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')
  return Object.entries(targets).map(([what, target]) => {
    const { selector, property, on } = typeof target === 'string' ? { selector: target, property: 'color', on: target } : target
    const el = document.querySelector(selector)
    const under = document.querySelector(on)
    if (el === null || under === null) throw new Error(what + ': nothing matches ' + selector + ' / ' + on)
    const background = backgroundOf(under)
    const text = over(parse(getComputedStyle(el)[property]), background)
    const [a, b] = [luminance(text), luminance(background)].sort((x, y) => y - x)
    return { what, text: hex(text), background: hex(background), ratio: (a + 0.05) / (b + 0.05) }
  })
}`

const TEXT = {
  'body text (layer name)': '.layer-name',
  'label': '.row > label',
  'muted text (expected time)': '[data-testid="expected-time"]',
  'select': 'select#quality',
  'button': '.actions button:not(.primary)',
  'primary button': 'button.primary',
  'done banner': '[data-testid="done"]',
  'done banner, backend line': '[data-testid="done"] [data-testid="backend"]'
}
const ERROR_TEXT = {
  'error banner': '[data-testid="error"]',
  'error banner, heading': '[data-testid="error"] strong'
}

async function themeAsync(pg: Playground, dark: boolean): Promise<void> {
  const frame = panelFrame(pg)
  if ((await frame.evaluate('document.documentElement.classList.contains("figma-dark")')) !== dark) {
    await pg.page.getByRole('button', { name: 'Light / dark' }).click()
  }
  assert.equal(await frame.evaluate('document.documentElement.classList.contains("figma-dark")'), dark)
}

test('light and dark: the panel follows figma-dark, with readable text in both (screenshots)', async (t) => {
  const pg = await openPlaygroundAsync(session, QUICK)
  await pg.panel.getByTestId('layer-style').locator('canvas').waitFor()
  await transferAsync(pg, 120_000)
  await pg.panel.getByTestId('done').waitFor()
  // A second panel with no weights at that address, for the error banner.
  const broken = await openPlaygroundAsync(session, { ...QUICK, weightsUrl: `${session.origin}/no-weights-here/` })
  await transferAsync(broken, 60_000)
  await broken.panel.getByTestId('error').waitFor()

  const seen: Record<string, { body: { background: string; color: string }; pairs: Pair[] }> = {}
  for (const dark of [false, true]) {
    const name = dark ? 'dark' : 'light'
    await themeAsync(pg, dark)
    await themeAsync(broken, dark)
    const frame = panelFrame(pg)
    const body = await frame.evaluate('(() => { const s = getComputedStyle(document.body); return { background: s.backgroundColor, color: s.color } })()') as { background: string; color: string }
    const pairs = [...await contrastsAsync(frame, TEXT), ...await contrastsAsync(panelFrame(broken), ERROR_TEXT)]
    seen[name] = { body, pairs }
    t.diagnostic(`${name}: body ${body.color} on ${body.background}; ${pairs.map((p) => `${p.what} ${p.text} on ${p.background} ${p.ratio.toFixed(2)}:1`).join('; ')}`)
    await pg.page.screenshot({ path: `${ARTIFACTS}/theme-${name}.png` })
    await broken.page.locator('#panel').screenshot({ path: `${ARTIFACTS}/theme-${name}-error.png` })
    for (const p of pairs) assert.ok(p.ratio >= 4.5, `${name}: ${p.what} is ${p.text} on ${p.background}, ${p.ratio.toFixed(2)}:1 (WCAG AA asks 4.5:1)`)
    // Non-text contrast (WCAG 1.4.11 asks 3:1): the focus ring against what is around the button.
    // Reached by Tab, so that :focus-visible applies (in the second panel, whose buttons are
    // enabled: the first one has only its placed result selected).
    const brokenFrame = panelFrame(broken)
    await broken.panel.getByRole('button', { name: 'Variations' }).focus()
    await broken.page.keyboard.press('Tab')
    assert.equal(await brokenFrame.evaluate('document.activeElement.matches("button.primary:focus-visible")'), true)
    const [ring] = await contrastsAsync(brokenFrame, { 'focus ring': { selector: 'button.primary', property: 'outlineColor', on: '.actions' } })
    await brokenFrame.evaluate('document.activeElement.blur()')
    t.diagnostic(`${name}: focus ring ${ring!.text} on ${ring!.background} ${ring!.ratio.toFixed(2)}:1`)
    assert.ok(ring!.ratio >= 3, `${name}: focus ring ${ring!.ratio.toFixed(2)}:1`)
  }
  assert.notEqual(seen['light']!.body.background, seen['dark']!.body.background)
  assert.notEqual(seen['light']!.body.color, seen['dark']!.body.color)
  assert.deepEqual([...pg.errors, ...broken.errors], [])
})

test('the panel uses Figma\'s --figma-color-* variables when Figma defines them', async () => {
  const pg = await openPlaygroundAsync(session, QUICK)
  const frame = panelFrame(pg)
  // What themeColors does: variables on the panel's root (distinct values, to see them arrive).
  await frame.evaluate(`(() => {
    const style = document.createElement('style')
    style.textContent = ':root { --figma-color-bg: rgb(10, 20, 30); --figma-color-text: rgb(240, 230, 220); --figma-color-text-secondary: rgb(200, 190, 180); --figma-color-border: rgb(90, 80, 70); --figma-color-bg-brand: rgb(0, 90, 200); --figma-color-text-onbrand: rgb(255, 255, 250); --figma-color-border-selected: rgb(250, 0, 250) }'
    document.head.append(style)
    document.documentElement.classList.add('figma-dark')
  })()`)
  const styles = await frame.evaluate(`(() => {
    const s = (sel) => getComputedStyle(document.querySelector(sel))
    return {
      bg: s('body').backgroundColor, text: s('body').color, label: s('.row > label').color,
      border: s('select#quality').borderTopColor, brand: s('button.primary').backgroundColor, onBrand: s('button.primary').color
    }
  })()`)
  assert.deepEqual(styles, {
    bg: 'rgb(10, 20, 30)', text: 'rgb(240, 230, 220)', label: 'rgb(200, 190, 180)',
    border: 'rgb(90, 80, 70)', brand: 'rgb(0, 90, 200)', onBrand: 'rgb(255, 255, 250)'
  })
  await pg.page.keyboard.press('Tab')
  await pg.panel.getByRole('button', { name: 'Transfer style' }).focus()
  await pg.page.keyboard.press('Shift+Tab')
  await pg.page.keyboard.press('Tab')
  assert.equal(await frame.evaluate('getComputedStyle(document.activeElement).outlineColor'), 'rgb(250, 0, 250)', 'the focus ring takes --figma-color-border-selected')
})

interface Focused { where: 'page' | 'panel'; label: string; visible: boolean; ring: string }

/** What has the keyboard focus, by its accessible-ish name, and whether it shows a focus ring. */
async function focusedAsync(pg: Playground): Promise<Focused> {
  const describe = `(() => {
    const el = document.activeElement
    if (!document.hasFocus() || el === null || el === document.body) return null
    const s = getComputedStyle(el)
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? 'outline ' + s.outlineWidth + ' ' + s.outlineColor
      : s.boxShadow !== 'none' ? 'box-shadow ' + s.boxShadow : ''
    const label = el.getAttribute('aria-label') || (el.id ? '#' + el.id : '') || el.textContent.trim() || el.tagName
    return { label, visible: el.matches(':focus-visible') && ring !== '', ring }
  })()`
  const inPanel = await panelFrame(pg).evaluate(describe) as Omit<Focused, 'where'> | null
  if (inPanel !== null) return { where: 'panel', ...inPanel }
  const onPage = await pg.page.evaluate(describe) as Omit<Focused, 'where'> | null
  return { where: 'page', ...(onPage ?? { label: 'nothing', visible: false, ring: '' }) }
}

/** Presses Tab until the focus is on `label` in the panel; returns every stop on the way. */
async function tabToAsync(pg: Playground, label: string, max = 60): Promise<Focused[]> {
  const stops: Focused[] = []
  for (let i = 0; i < max; i++) {
    await pg.page.keyboard.press('Tab')
    const f = await focusedAsync(pg)
    stops.push(f)
    if (f.where === 'panel' && f.label === label) return stops
  }
  throw new Error(`Tab never reached “${label}”: ${stops.map((s) => `${s.where}:${s.label}`).join(', ')}`)
}

test('keyboard: Tab from the page reaches Swap and Transfer style with a visible ring; Enter and Space start a run; the focus goes to Cancel, Tab to Stop and place', async (t) => {
  const pg = await openPlaygroundAsync(session, { ...QUICK, steps: 400 })
  await pg.panel.getByTestId('layer-style').locator('canvas').waitFor()
  // Start on the playground page itself, outside the panel, as a keyboard user would.
  await pg.page.evaluate('document.activeElement?.blur()')
  const stops = await tabToAsync(pg, 'Transfer style')
  const inPanel = stops.filter((s) => s.where === 'panel')
  t.diagnostic(`${stops.length} Tabs: ${stops.map((s) => `${s.where === 'page' ? 'page:' : ''}${s.label}`).join(' → ')}`)
  assert.ok(inPanel.some((s) => s.label === 'Swap content and style'), 'Tab reaches Swap')
  assert.equal(inPanel[0]!.label, 'Swap content and style', 'Swap is the first stop in the panel')
  for (const s of inPanel) assert.ok(s.visible, `${s.label} shows a focus ring when reached by Tab (${s.ring || 'none'})`)
  t.diagnostic(`focus ring: ${inPanel.at(-1)!.ring}`)

  // Enter on Transfer style starts the run. The button goes away with it, and the focus moves to
  // Cancel instead of being lost to the page; Tab reaches Stop and place once it is enabled.
  await pg.page.keyboard.press('Enter')
  await pg.panel.getByTestId('progress-view').waitFor({ timeout: 10_000 })
  const afterStart = await focusedAsync(pg)
  assert.deepEqual([afterStart.where, afterStart.label, afterStart.visible], ['panel', 'Cancel', true], `focus once running: ${JSON.stringify(afterStart)}`)
  await pg.panel.getByTestId('status').filter({ hasText: /step \d+ of 400/ }).waitFor({ timeout: 120_000 })
  await pg.panel.getByRole('button', { name: 'Stop and place' }).and(pg.panel.locator(':enabled')).waitFor()
  const toStop = await tabToAsync(pg, 'Stop and place')
  assert.equal(toStop.length, 1, 'Stop and place is the next stop after Cancel')
  assert.ok(toStop[0]!.visible, 'Stop and place shows a focus ring')
  await pg.page.screenshot({ path: `${ARTIFACTS}/keyboard-running.png` })
  await pg.page.keyboard.press('Shift+Tab')
  assert.equal((await focusedAsync(pg)).label, 'Cancel')
  // Enter on Cancel cancels; the note saying so takes the focus, and Tab goes on to the actions.
  await pg.page.keyboard.press('Enter')
  await pg.panel.getByTestId('note').waitFor({ timeout: 60_000 })
  assert.equal(await pg.panel.getByTestId('note').innerText(), 'Cancelled. Nothing was added to the document.')
  const afterCancel = await focusedAsync(pg)
  assert.deepEqual([afterCancel.where, afterCancel.label], ['panel', 'Cancelled. Nothing was added to the document.'], `focus after cancelling: ${JSON.stringify(afterCancel)}`)
  assert.deepEqual((await tabToAsync(pg, 'Transfer style', 2)).map((s) => s.label), ['Variations', 'Transfer style'])

  // Space on Transfer style starts a run too.
  await pg.page.keyboard.press('Space')
  await pg.panel.getByTestId('progress-view').waitFor({ timeout: 10_000 })
  await pg.page.keyboard.press('Space')
  await pg.panel.getByTestId('note').waitFor({ timeout: 60_000 })
  assert.equal((await pg.layers()).length, 2, 'nothing placed')
  assert.deepEqual(pg.errors, [])
})
