import { parseArgs } from 'node:util'
import { ensureWeights } from '../fetch-weights.js'

/**
 * `npm run models`: puts verified VGG-19 weights into models/vgg19/ (git-ignored).
 *   --from DIR   copy from a local directory holding the manifest's shards (offline machines)
 *   (default)    download the official Keras HDF5 file and convert it to float16 shards
 *   --h5 FILE    convert an already downloaded Keras HDF5 file
 *   --check      only verify what is in place
 */
const USAGE = 'usage: npm run models [-- --from DIR | --h5 FILE | --check] [--to DIR]'

const { values } = parseArgs({
  options: { from: { type: 'string' }, h5: { type: 'string' }, to: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } }
})
if (values.help === true) {
  console.log(USAGE)
} else {
  ensureWeights(values).then((code) => { process.exitCode = code }, (e: unknown) => {
    console.error(`npm run models failed: ${(e as Error).message}`)
    process.exitCode = 1
  })
}
