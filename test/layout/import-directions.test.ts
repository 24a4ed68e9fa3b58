// The design's import directions, checked on every source file outside test/:
//   ui -> plugin (the sandbox contract), helper/protocol, models;  helper -> models;
//   plugin and models import no other top-level folder; inside models, vgg19 never imports
//   style-transfer (the network knows nothing of the method built on it).
// models/ may import no package but @tensorflow/tfjs-core (it runs in the panel and the helper) and
// valibot, the schema library its options are declared with: pure like the engine (no DOM, no
// Node), and the same one the sandbox and the helper's protocol check their messages with.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TOP = ['plugin', 'ui', 'helper', 'models'] as const
type Top = (typeof TOP)[number]

/** Which top-level folders (or exact sub-paths) each folder may import. */
const ALLOWED: Record<Top, readonly string[]> = {
  plugin: ['plugin'],
  models: ['models'],
  helper: ['helper', 'models'],
  ui: ['ui', 'plugin', 'models', 'helper/protocol']
}

const MODELS_PACKAGES: readonly string[] = ['@tensorflow/tfjs-core', 'valibot']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'weights' ? [] : sourceFiles(p)
    return /\.(ts|tsx|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : []
  })
}

/** Every module specifier in a file: static and dynamic imports, re-exports. */
export function specifiersOf(source: string): string[] {
  const out: string[] = []
  const re = /(?:^|[^.\w])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^.\w])import\s+['"]([^'"]+)['"]/gm
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3]) as string)
  return out
}

function allowed(from: Top, target: string): boolean {
  return ALLOWED[from].some((a) => target === a || target.startsWith(`${a}/`) || target === `${a}.ts` || target === `${a}.js`)
}

function violations(): string[] {
  const bad: string[] = []
  for (const top of TOP) {
    for (const file of sourceFiles(join(ROOT, top))) {
      const rel = relative(ROOT, file)
      for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          if (top === 'models' && !MODELS_PACKAGES.includes(spec)) bad.push(`${rel} imports the package ${spec} (models/ may use only ${MODELS_PACKAGES.join(' and ')})`)
          continue
        }
        const target = relative(ROOT, resolve(dirname(file), spec)).replace(/\\/g, '/')
        if (!allowed(top, target)) bad.push(`${rel} imports ${target}`)
        if (rel.startsWith('models/vgg19/') && target.startsWith('models/style-transfer')) bad.push(`${rel} imports ${target} (the network must not depend on the method)`)
      }
    }
  }
  return bad
}

test('every import outside test/ runs the way the design says', () => {
  assert.deepEqual(violations(), [])
})

test('the checker itself sees static, dynamic and re-export specifiers', () => {
  const src = "import a from './a.js'\nimport type { B } from '../b.js'\nexport * from './c.js'\nconst d = await import('./d.js')\nimport './e.css'\n// x.import('no')"
  assert.deepEqual(specifiersOf(src), ['./a.js', '../b.js', './c.js', './d.js', './e.css'])
  assert.equal(allowed('ui', 'helper/protocol.js'), true)
  assert.equal(allowed('ui', 'helper/server/job.js'), false)
  assert.equal(allowed('models', 'ui/app.js'), false)
  assert.equal(allowed('plugin', 'models/style-transfer/types.js'), false)
})
