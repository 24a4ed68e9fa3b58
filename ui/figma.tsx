// Entry of the Figma UI iframe (build/ui.html): the backends register on import, then the panel
// renders against the Figma host.
import { render } from 'preact'
import './backend.js'
import { App } from './app.js'
import { createFigmaHost } from './hosts/figma-host.js'

const root = document.getElementById('app')
if (root !== null) render(<App host={createFigmaHost()} />, root)
