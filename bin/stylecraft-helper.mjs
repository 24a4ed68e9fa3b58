#!/usr/bin/env node
// The package bin: registers tsx's loader, then runs the TypeScript entry (no build step needed).
import { register } from 'tsx/esm/api'

register()
await import('../helper/cli/start.ts')
