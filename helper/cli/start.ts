import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chooseNodeBackend, createNodeEngine, type NodeBackend } from '../backend.js'
import { describeError } from '../describe-error.js'
import { ensureWeights } from '../fetch-weights.js'
import { createHelperServer, DEFAULT_MAX_SIDE, DEFAULT_PORT, defaultMemoryBudgetMb } from '../server/create-helper-server.js'
import { tileConfigFor } from '../server/memory-estimate.js'
import { loadOrCreateToken } from '../server/token-store.js'
import { DEFAULT_WEIGHTS_DIR, loadWeightsFromDir } from '../weights-dir.js'

/**
 * The plugin's manifest: the repository root from source; the package root when compiled, because
 * dist/helper/start.mjs sits two folders down as this file does (helper/build/build-helper.ts).
 */
const MANIFEST = fileURLToPath(new URL('../../manifest.json', import.meta.url))

const USAGE = `usage: npm start -- [--port ${DEFAULT_PORT}] [--backend NAME] [--weights-from DIR] [--weights DIR]
  [--max-side 4096] [--memory-mb N] [--rotate-token]
Starts the stylecraft helper on 127.0.0.1: jobs over WebSocket, weights and playground over HTTP.
--rotate-token makes a new pairing token (clients paired with the old one must pair again).`

const positiveInt = (flag: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${flag}: expected an integer of at least ${min}, got ${JSON.stringify(v)}`)
  return n
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' }, backend: { type: 'string' }, 'weights-from': { type: 'string' }, weights: { type: 'string' },
      'max-side': { type: 'string' }, 'memory-mb': { type: 'string' }, 'rotate-token': { type: 'boolean' }, help: { type: 'boolean' }
    }
  })
  if (values.help === true) { console.log(USAGE); return 0 }
  const port = positiveInt('port', values.port, 0) ?? DEFAULT_PORT
  if (port > 65535) throw new RangeError(`--port: expected at most 65535, got ${port}`)
  const maxSide = positiveInt('max-side', values['max-side'], 16)
  const memoryBudgetMb = positiveInt('memory-mb', values['memory-mb'], 256)

  const token = await loadOrCreateToken({ rotate: values['rotate-token'] === true })
  const weightsDir = values.weights === undefined ? DEFAULT_WEIGHTS_DIR : resolve(values.weights)
  const from = values['weights-from']
  if ((await ensureWeights(from === undefined ? { to: weightsDir } : { from, to: weightsDir })) !== 0) return 2

  const choice = await chooseNodeBackend(values.backend as NodeBackend | undefined)
  const weights = await loadWeightsFromDir(weightsDir)
  // The engine tiles what one pass of the memory budget cannot hold; the server's estimate uses the
  // same tiling (createHelperServer does this itself only when it builds its own engine).
  const tile = tileConfigFor((memoryBudgetMb ?? defaultMemoryBudgetMb()) * 2 ** 20, maxSide ?? DEFAULT_MAX_SIDE)
  let engine
  try {
    engine = await createNodeEngine(choice, weights, { tile })
  } finally {
    for (const t of Object.values(weights)) t.dispose()
  }
  let server
  try {
    server = await createHelperServer({ port, token: token.token, weightsDir, engine: { engine, backend: choice.backend }, maxSide, memoryBudgetMb })
  } catch (e) {
    await engine.dispose()
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`error: port ${port} is already in use (is another helper running?); choose another with --port.`)
      return 2
    }
    throw e
  }

  const caps = server.capabilities
  console.log([
    `stylecraft helper listening on ${server.url} (loopback only)`,
    `  backend:        ${engine.description.startsWith(choice.backend) ? engine.description : `${choice.backend}, ${engine.description}`}; device: ${caps.device}`,
    `  pairing token:  ${token.token}   (${token.status}; stored in ${token.file})`,
    ...token.tightened.map((path) => `  made private:   ${path} was open to other users; it is the user's only now`),
    `  WebSocket:      ${server.wsUrl}`,
    `  weights:        ${server.url}/weights/<shard>`,
    `  playground:     ${server.url}/playground/`,
    `  limits:         ${caps.maxSide}px per side, ${caps.maxQueue} waiting jobs, memory budget ${caps.memoryBudgetMb} MB` +
      (tile === null ? '' : `; larger than ${tile.size} px is optimised in tiles`),
    '',
    'In Figma desktop: Plugins > Development > Import plugin from manifest… and choose',
    `  ${MANIFEST}`,
    'then run the plugin and pair it under Advanced with the token above: big jobs (or every job) then\n  run here, and the panel loads its weights from this helper.',
    'Ctrl-C stops the helper.'
  ].join('\n'))

  await new Promise<void>((done) => {
    let stopping = false
    const stop = (): void => {
      if (stopping) process.exit(130) // second Ctrl-C: quit at once
      stopping = true
      console.log('\nStopping: canceling jobs and closing connections (Ctrl-C again to quit at once).')
      void server.close().then(() => engine.dispose()).then(done, done)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  console.log('helper stopped')
  return 0
}

main().then((code) => { process.exitCode = code }, (e: unknown) => {
  console.error(`error: ${describeError(e)}`)
  if (process.env.DEBUG !== undefined) console.error(e)
  process.exitCode = 2
})
