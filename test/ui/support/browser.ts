// Real headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser) driven by
// playwright-core, against the playground served from build/playground.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, type Frame, type FrameLocator, type Page, chromium } from 'playwright-core'
import { mainAsync as buildAsync } from '../../../ui/build/build-ui.js'
import { startPlaygroundServer } from '../../../ui/playground/serve.js'

import { ARTIFACTS } from '../../support/artifacts.js'

export { ARTIFACTS }
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu']
/**
 * WebGPU through SwiftShader's Vulkan. While the engine still read scalars synchronously (through
 * a WebGPU canvas), the default GL path dropped the device in 4 of 5 runs; with the engine's
 * reads now asynchronous a run passed without these flags, but this is the steadier path here.
 */
export const WEBGPU_ARGS = ['--use-angle=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader']

export interface Session {
  context: BrowserContext
  server: Server
  origin: string
  close(): Promise<void>
}

// The tests run what the sources say now: build/ui.html and build/playground, once per process.
let built: Promise<void> | null = null

/** extraArgs may depend on the playground's port (e.g. Chromium's --ip-address-space-overrides). */
export async function startSession(extraArgs: string[] | ((port: number) => string[]) = []): Promise<Session> {
  built ??= buildAsync('all')
  await built
  const server = await startPlaygroundServer({ port: 0 })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const profile = mkdtempSync(join(tmpdir(), 'style-ui-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...BASE_ARGS, ...(typeof extraArgs === 'function' ? extraArgs(port) : extraArgs)], viewport: { width: 1100, height: 720 }
  })
  mkdirSync(ARTIFACTS, { recursive: true })
  return {
    context, server, origin: `http://127.0.0.1:${port}`,
    async close() {
      await context.close()
      await new Promise((ok) => server.close(ok))
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

export interface Playground {
  page: Page
  panel: FrameLocator
  errors: string[]
  layers(): Promise<{ id: string; name: string; width: number; height: number; recipe: string | null }[]>
  /** Starts recording, inside the panel, whether a progress line and a preview ever appeared. */
  watchPanelAsync(): Promise<void>
  seenAsync(): Promise<{ preview: boolean; step: boolean }>
}

export async function openPlaygroundAsync(session: Session, query: Record<string, string | number>): Promise<Playground> {
  const page = await session.context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))
  await page.goto(`${session.origin}/?${search}`)
  const panel = page.frameLocator('#panel')
  await panel.getByRole('button', { name: 'Transfer style' }).waitFor()
  const frame = (): Frame => {
    const f = page.frames().find((x) => x.url().endsWith('/ui.html'))
    if (f === undefined) throw new Error('panel frame not found')
    return f
  }
  return {
    page, panel, errors,
    layers: () => page.evaluate('playground.layers()'),
    async watchPanelAsync() {
      await frame().evaluate(`(() => {
        window.__seen = { preview: false, step: false }
        new MutationObserver(() => {
          if (document.querySelector('[data-testid="preview"]')) window.__seen.preview = true
          if (/step \\d+ of \\d+/.test(document.querySelector('[data-testid="status"]')?.textContent ?? '')) window.__seen.step = true
        }).observe(document.body, { subtree: true, childList: true, characterData: true })
      })()`)
    },
    seenAsync: () => frame().evaluate('window.__seen')
  }
}

/** Clicks Transfer style and waits for the done or error banner; returns the seconds it took. */
export async function transferAsync(pg: Playground, timeoutMs: number): Promise<number> {
  const start = Date.now()
  await pg.panel.getByRole('button', { name: 'Transfer style' }).click()
  await pg.panel.getByTestId('done').or(pg.panel.getByTestId('error')).waitFor({ timeout: timeoutMs })
  return (Date.now() - start) / 1000
}
