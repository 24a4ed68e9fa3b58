// Where the project publishes the VGG-19 shards: its own npm package, served by jsDelivr with CORS *
// (the Figma panel has a null origin). Versioned like the manifest the shards are verified against,
// so a new set of shards comes with a new URL and is never mixed with a cached old one.
// ui/build/pack-weights.ts builds the package; the panel (ui/weights.ts) and the helper's first
// start (helper/fetch-weights.ts) download from it.
import { VGG19_MANIFEST } from './manifest.js'

export const WEIGHTS_PACKAGE = 'stylecraft-vgg19'

/** https://cdn.jsdelivr.net/npm/stylecraft-vgg19@<manifest version>/ (must be in manifest.json's allowedDomains). */
export const WEIGHTS_PACKAGE_URL = `https://cdn.jsdelivr.net/npm/${WEIGHTS_PACKAGE}@${VGG19_MANIFEST.version}/`
