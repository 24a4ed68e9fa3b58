#!/usr/bin/env node
// The package bin: runs the compiled helper (dist/helper/start.mjs, built by `npm run build:helper`
// and by `prepack` before `npm pack`), so an installed package needs no TypeScript tooling.
// In the repository, `npm start` runs the TypeScript sources instead.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const entry = new URL('../dist/helper/start.mjs', import.meta.url)
if (!existsSync(entry)) {
  console.error('error: the compiled helper (dist/helper/start.mjs) is missing. In the repository, run `npm run build:helper` first, or use `npm start`.')
  process.exit(2)
}

/**
 * Where an installed helper keeps the VGG-19 weights it fetches on first start: a per-user cache
 * folder, not the package folder (npx caches and global installs may be replaced or read-only).
 * STYLECRAFT_CACHE_DIR overrides it; `--weights DIR` names another folder for one run.
 */
function weightsCacheDir(env = process.env, platform = process.platform, home = homedir()) {
  const set = (v) => v !== undefined && v !== ''
  let root
  if (set(env.STYLECRAFT_CACHE_DIR)) root = env.STYLECRAFT_CACHE_DIR
  else if (platform === 'win32') root = join(set(env.LOCALAPPDATA) ? env.LOCALAPPDATA : join(home, 'AppData', 'Local'), 'stylecraft', 'Cache')
  else if (platform === 'darwin') root = join(home, 'Library', 'Caches', 'stylecraft')
  else root = join(set(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(home, '.cache'), 'stylecraft')
  return join(root, 'vgg19')
}

const args = process.argv.slice(2)
if (!args.some((a) => a === '--weights' || a.startsWith('--weights='))) process.argv.push('--weights', weightsCacheDir())
await import(entry.href)
