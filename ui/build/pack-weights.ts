// Builds the folder of the npm package the panel loads its weights from without a helper
// (DEFAULT_WEIGHTS_URL: jsDelivr serving `stylecraft-vgg19@<manifest version>`): the verified
// shards, model.json, the project's manifest with every shard's sha256, a README with the
// CC BY 4.0 attribution, and package.json. It does not publish; `npm publish` in the folder does.
// Usage: tsx ui/build/pack-weights.ts [--from DIR] [--out DIR]
//   --from  verified weights (default models/vgg19/weights, where `npm run models` puts them)
//   --out   the package folder (default build/stylecraft-vgg19)
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import manifestJson from '../../models/vgg19/vgg19.manifest.json' with { type: 'json' }
import { VGG19_MANIFEST } from '../../models/vgg19/manifest.js'
import { sha256Hex } from '../../models/vgg19/sha256.js'
import { DEFAULT_WEIGHTS_URL, WEIGHTS_PACKAGE } from '../weights.js'

const ROOT = new URL('../../', import.meta.url)
export const DEFAULT_FROM = fileURLToPath(new URL('models/vgg19/weights/', ROOT))
export const DEFAULT_OUT = fileURLToPath(new URL(`build/${WEIGHTS_PACKAGE}/`, ROOT))
const CC_BY = 'https://creativecommons.org/licenses/by/4.0/'
const MANIFEST_FILE = 'vgg19.manifest.json'

export interface PackWeightsOptions { from?: string; out?: string }

/** Writes the package folder; returns its path. Refuses any shard that is not the manifest's. */
export async function packWeightsAsync(options: PackWeightsOptions = {}): Promise<string> {
  const from = resolve(options.from ?? DEFAULT_FROM)
  const out = resolve(options.out ?? DEFAULT_OUT)
  // Every shard must be byte for byte the manifest's: the panel refuses anything else. Weights
  // converted locally from the Keras file (trusted-hashes.json) differ and cannot be shipped.
  const shards: Uint8Array[] = []
  for (const shard of VGG19_MANIFEST.shards) {
    const file = join(from, shard.path)
    if (!existsSync(file)) throw new Error(`${file} is missing: --from must be a folder with the VGG-19 shards (npm run models -- --from ../shared/models/vgg19 puts them in models/vgg19/weights).`)
    const bytes = new Uint8Array(await readFile(file))
    const hash = await sha256Hex(bytes)
    if (bytes.length !== shard.bytes || hash !== shard.sha256) {
      throw new Error(`${file} is not the manifest's shard (${bytes.length} bytes, sha256 ${hash.slice(0, 12)}…; expected ${shard.bytes} bytes, ${shard.sha256.slice(0, 12)}…): only the verified shards can be published.`)
    }
    shards.push(bytes)
  }
  const modelFile = join(from, 'model.json')
  if (!existsSync(modelFile)) throw new Error(`${modelFile} is missing: copy the weights with \`npm run models -- --from ../shared/models/vgg19\`, which brings model.json along.`)
  const model = JSON.parse(await readFile(modelFile, 'utf8')) as { weightsManifest?: { paths?: string[] }[] }
  const paths = (model.weightsManifest ?? []).flatMap((g) => g.paths ?? [])
  if (paths.join() !== VGG19_MANIFEST.shards.map((s) => s.path).join()) {
    throw new Error(`${modelFile} lists the shards ${paths.join(', ')}, not the manifest's ${VGG19_MANIFEST.shards.map((s) => s.path).join(', ')}.`)
  }

  await rm(out, { recursive: true, force: true })
  await mkdir(out, { recursive: true })
  for (const [i, shard] of VGG19_MANIFEST.shards.entries()) await writeFile(join(out, shard.path), shards[i] as Uint8Array)
  // Written rather than copied, so the package's files do not inherit a read-only source's mode.
  await writeFile(join(out, 'model.json'), await readFile(modelFile))
  await writeFile(join(out, MANIFEST_FILE), await readFile(fileURLToPath(new URL(`models/vgg19/${MANIFEST_FILE}`, ROOT))))
  await writeFile(join(out, 'package.json'), `${JSON.stringify(packageJson(), null, 2)}\n`)
  await writeFile(join(out, 'README.md'), readme())
  await writeFile(join(out, 'LICENSE.md'), licence())
  return out
}

function packageJson(): Record<string, unknown> {
  return {
    name: WEIGHTS_PACKAGE,
    version: VGG19_MANIFEST.version,
    description: 'VGG-19 convolutional base with ImageNet weights (float16, TensorFlow.js weights format), as loaded by the Stylecraft style-transfer plugin.',
    license: 'CC-BY-4.0',
    keywords: ['vgg19', 'tensorflowjs', 'weights', 'style-transfer'],
    // Data only: no main, no scripts, nothing that runs on install.
    files: ['model.json', MANIFEST_FILE, ...VGG19_MANIFEST.shards.map((s) => s.path), 'README.md', 'LICENSE.md']
  }
}

const lic = manifestJson.license

function readme(): string {
  const total = VGG19_MANIFEST.shards.reduce((a, s) => a + s.bytes, 0)
  return `# ${WEIGHTS_PACKAGE} ${VGG19_MANIFEST.version}

The 16 convolutional layers of VGG-19 (\`conv1_1\` … \`conv5_4\`, no classifier) with the ImageNet
weights, as float16 shards in the TensorFlow.js weights format: ${VGG19_MANIFEST.shards.length} files,
${total.toLocaleString('en-US')} bytes. The Stylecraft Figma plugin loads them from
${DEFAULT_WEIGHTS_URL}
and refuses any shard whose sha256 differs from \`${MANIFEST_FILE}\`.

- \`model.json\`: a TensorFlow.js layers model (\`tf.loadLayersModel('${DEFAULT_WEIGHTS_URL}model.json')\`)
  with the weights manifest and the provenance of every tensor (\`vgg19\`).
- \`${MANIFEST_FILE}\`: layers, weight specs, preprocessing and the size and sha256 of each shard.
- Input: RGB 0..255 reordered to BGR, minus the mean [103.939, 116.779, 123.68] (Keras "caffe" mode).

## Licence and attribution

The weights are licensed under the Creative Commons Attribution 4.0 International licence
(CC BY 4.0, ${CC_BY}) by the ${lic.holder}
(${lic.url}).

Attribution: ${lic.attribution}

Changes made: the weights came through the Keras port (\`keras.applications.vgg19\`) and were
converted to float16; the kernels of conv4_1 … conv5_4 other than the centre tap come from a
uint8-quantised copy (error at most half a quantisation step). Per-tensor sources are in
\`model.json\` → \`vgg19\`.

## sha256

\`\`\`
${VGG19_MANIFEST.shards.map((s) => `${s.sha256}  ${s.path}`).join('\n')}
\`\`\`
`
}

function licence(): string {
  return `The files of this package other than this notice are the VGG-19 ImageNet weights by the
${lic.holder} (${lic.url}),
licensed under the Creative Commons Attribution 4.0 International Public License:
${CC_BY}legalcode

Attribution: ${lic.attribution}

They were converted (float16; conv4/conv5 kernels partly from a uint8-quantised copy), as the
README describes. No warranty: see sections 5 and 6 of the licence.
`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' } } })
  try {
    const out = await packWeightsAsync({ ...(values.from === undefined ? {} : { from: values.from }), ...(values.out === undefined ? {} : { out: values.out }) })
    console.log(`${out}: ${WEIGHTS_PACKAGE}@${VGG19_MANIFEST.version}, not published. To publish: cd ${out} && npm publish`)
    console.log(`The panel then loads ${DEFAULT_WEIGHTS_URL}`)
  } catch (e) {
    console.error(`error: ${(e as Error).message}`)
    process.exitCode = 1
  }
}
