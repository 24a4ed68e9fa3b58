import { spawnSync } from 'node:child_process'

/** The first python3 that can import torch (pyenv's, then Debian's), or null. */
export function findTorchPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return python
  }
  return null
}
