import { type Settings, mergeSettings } from './settings.js'

// Dated key: a schema change gets a new key instead of a migration (yuanqing/figma-plugins
// settings.ts); mergeSettings still tolerates missing or invalid fields under this key.
export const SETTINGS_KEY = 'settings/2025-11-28'

export async function loadSettingsAsync(): Promise<Settings> {
  return mergeSettings(await figma.clientStorage.getAsync(SETTINGS_KEY))
}

export async function saveSettingsAsync(settings: Settings): Promise<Settings> {
  await figma.clientStorage.setAsync(SETTINGS_KEY, settings)
  return settings
}
