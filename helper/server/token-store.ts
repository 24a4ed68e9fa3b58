import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The user's config folder for the helper: STYLECRAFT_CONFIG_DIR when set (tests, portable
 * installs), else %APPDATA%\stylecraft on Windows, else $XDG_CONFIG_HOME/stylecraft, else
 * ~/.config/stylecraft.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.STYLECRAFT_CONFIG_DIR !== undefined && env.STYLECRAFT_CONFIG_DIR !== '') return env.STYLECRAFT_CONFIG_DIR
  if (platform === 'win32' && env.APPDATA !== undefined && env.APPDATA !== '') return join(env.APPDATA, 'stylecraft')
  const xdg = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(xdg, 'stylecraft')
}

export interface PairingToken {
  token: string
  file: string
  /** 'created' the first time, 'rotated' on request, else 'reused'. */
  status: 'created' | 'reused' | 'rotated'
}

/** 24 random bytes, base64url: 32 characters that are safe in a URL query and a subprotocol name. */
export const generateToken = (): string => randomBytes(24).toString('base64url')

const VALID = /^[A-Za-z0-9_-]{32,128}$/

/**
 * Reads the pairing token, creating it on first use and replacing it when `rotate` is set (which
 * unpairs every client that remembered the old one). The file is readable by the user only.
 */
export async function loadOrCreateToken(options: { rotate?: boolean; dir?: string } = {}): Promise<PairingToken> {
  const dir = options.dir ?? configDir()
  const file = join(dir, 'token')
  if (options.rotate !== true) {
    const existing = await readFile(file, 'utf8').then((s) => s.trim(), () => null)
    // A hand-edited or truncated file is replaced rather than trusted: a short token is guessable.
    if (existing !== null && VALID.test(existing)) return { token: existing, file, status: 'reused' }
  }
  const existed = await readFile(file, 'utf8').then(() => true, () => false)
  const token = generateToken()
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  await chmod(file, 0o600).catch(() => undefined) // no-op on Windows
  return { token, file, status: options.rotate === true && existed ? 'rotated' : 'created' }
}
