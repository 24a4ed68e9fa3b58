// Compiles the helper to plain JavaScript for the npm package (no tsx at run time):
//   dist/helper/start.mjs      the CLI (helper/cli/start.ts), what bin/stylecraft-helper.mjs runs
//   dist/helper/onnx-host.mjs  the onnxruntime child process that start.mjs forks
// Usage: tsx helper/build/build-helper.ts
//
// Only the project's own TypeScript is bundled; every package stays an import resolved from the
// installed node_modules, as when running from source. Bundling tfjs would put a second
// tfjs-core beside the one tfjs-backend-wasm registers its kernels on (and the wasm backend reads
// its .wasm files next to its own code), and onnxruntime-node / webgpu / tfjs-node are native.
//
// The output sits two folders below the package root, like helper/cli/start.ts and
// helper/server/*.ts below the repository root, so the `new URL('../../…', import.meta.url)` paths
// in the sources (the playground in build/playground/, manifest.json) name the same files.
import { mkdir, rm } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Metafile } from 'esbuild'

const ROOT = new URL('../../', import.meta.url)
const at = (path: string): string => fileURLToPath(new URL(path, ROOT))
export const HELPER_OUT = at('dist/helper/')

/** Builds dist/helper/; returns the packages the compiled code imports (its runtime dependencies). */
export async function buildHelperAsync(): Promise<string[]> {
  await rm(HELPER_OUT, { recursive: true, force: true })
  await mkdir(HELPER_OUT, { recursive: true })
  const result = await build({
    entryPoints: { start: at('helper/cli/start.ts'), 'onnx-host': at('helper/onnx/onnx-host.ts') },
    outdir: HELPER_OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Each entry gets its whole graph (no shared chunks): two self-contained files.
    splitting: false,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning'
  })
  return packagesImported(result.metafile)
}

/** Package names (not node: built-ins) imported by the output files, static or dynamic. */
export function packagesImported(meta: Metafile): string[] {
  const names = new Set<string>()
  for (const output of Object.values(meta.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || imp.path.startsWith('.')) continue
      const parts = imp.path.split('/')
      names.add(imp.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string))
    }
  }
  return [...names].sort()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const packages = await buildHelperAsync()
  console.log(`dist/helper/ (start.mjs, onnx-host.mjs); imports ${packages.join(', ')}`)
}
