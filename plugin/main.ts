// Figma sandbox entry: show the UI, then wire the handlers. Nothing else lives here.
import { startPlugin } from './start-plugin.js'

figma.showUI(__html__, { width: 320, height: 600, themeColors: true, title: 'Style transfer' })
startPlugin()
