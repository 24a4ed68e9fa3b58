import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
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
  /** The folder and file, when they were found open to others and made private (0700, 0600). */
  tightened: string[]
}

/** 24 random bytes, base64url: 32 characters that are safe in a URL query and a subprotocol name. */
export const generateToken = (): string => randomBytes(24).toString('base64url')

const VALID = /^[A-Za-z0-9_-]{32,128}$/

/**
 * Takes away every permission bit beyond `mode` (a stricter mode, like 0400, is left alone).
 * Returns whether it had to. Windows keeps its ACLs and ignores these bits, so it is skipped there.
 */
async function tighten(path: string, mode: number): Promise<boolean> {
  if (process.platform === 'win32') return false
  const st = await stat(path).catch(() => null)
  if (st === null || (st.mode & 0o777 & ~mode) === 0) return false
  try {
    await chmod(path, mode)
  } catch (e) {
    // Anyone who can read the token can drive the helper: do not go on with it readable.
    throw new Error(`${path} is open to other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}) and could not be made private (${(e as Error).message}); fix it with chmod ${mode.toString(8)}.`)
  }
  return true
}

/**
 * Reads the pairing token, creating it on first use and replacing it when `rotate` is set (which
 * unpairs every client that remembered the old one). The folder is the user's only (0700) and the
 * file readable by the user only (0600); a folder or file found looser, from an older version, a
 * restored backup or a umask of 000, is tightened, whichever way the token is got.
 */
export async function loadOrCreateToken(options: { rotate?: boolean; dir?: string } = {}): Promise<PairingToken> {
  const dir = options.dir ?? configDir()
  const file = join(dir, 'token')
  // mkdir's mode only applies to a folder it creates (and goes through the umask).
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const tightened = (await tighten(dir, 0o700)) ? [dir] : []
  if (options.rotate !== true) {
    const existing = await readFile(file, 'utf8').then((s) => s.trim(), () => null)
    // A hand-edited or truncated file is replaced rather than trusted: a short token is guessable.
    if (existing !== null && VALID.test(existing)) {
      if (await tighten(file, 0o600)) tightened.push(file)
      return { token: existing, file, status: 'reused', tightened }
    }
  }
  const existed = await readFile(file, 'utf8').then(() => true, () => false)
  const token = generateToken()
  // writeFile's mode, like mkdir's, is only for a new file: an existing one keeps its own.
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  if (await tighten(file, 0o600)) tightened.push(file)
  return { token, file, status: options.rotate === true && existed ? 'rotated' : 'created', tightened }
}
