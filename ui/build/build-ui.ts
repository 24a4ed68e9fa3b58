// Builds the panel as ONE HTML file (Figma loads `ui` from the manifest as inline HTML with a null
// origin, so scripts, styles and the wasm binaries are inlined) and the playground around it.
// Usage: tsx ui/build/build-ui.ts [ui|playground|all]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = new URL('../../', import.meta.url)
const at = (path: string): string => new URL(path, ROOT).pathname

/**
 * Makes JS safe inside an inline <script>: the HTML parser ends the element at the first
 * `</script` whatever the JS context, and `<!--` switches it into an escaped state. `<\/` and
 * `<\!` mean the same in JS strings, regexes and templates, where these sequences occur.
 */
export function escapeInlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')
}

/** The panel bundle (JS text), unwritten. */
export async function bundleUiAsync(): Promise<string> {
  const result = await build({
    entryPoints: [at('ui/figma.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // Figma's desktop app and browsers with WebGPU are recent Chromium/WebKit; ES2020 is safe.
    target: 'es2020',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.wasm': 'base64' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning'
  })
  return result.outputFiles[0]?.text ?? ''
}

export async function buildUiHtmlAsync(): Promise<string> {
  const [js, css] = await Promise.all([bundleUiAsync(), readFile(at('ui/styles.css'), 'utf8')])
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Style transfer</title>',
    `<style>${css}</style></head>`,
    '<body><div id="app"></div>',
    `<script>${escapeInlineScript(js)}</script>`,
    '</body></html>\n'
  ].join('\n')
}

async function buildPlaygroundAsync(): Promise<void> {
  const out = at('build/playground/')
  await mkdir(out, { recursive: true })
  await build({
    entryPoints: [at('ui/playground/main.ts')],
    bundle: true,
    outfile: `${out}playground.js`,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'warning'
  })
  await copyFile(at('ui/playground/index.html'), `${out}index.html`)
  // The very same panel file Figma loads.
  await copyFile(at('build/ui.html'), `${out}ui.html`)
}

export async function mainAsync(what: string): Promise<void> {
  if (what === 'ui' || what === 'all') {
    await mkdir(at('build/'), { recursive: true })
    const html = await buildUiHtmlAsync()
    await writeFile(at('build/ui.html'), html)
    console.log(`build/ui.html ${(html.length / 1e6).toFixed(2)} MB`)
  }
  if (what === 'playground' || what === 'all') {
    await buildPlaygroundAsync()
    console.log('build/playground/')
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await mainAsync(process.argv[2] ?? 'all')
}
