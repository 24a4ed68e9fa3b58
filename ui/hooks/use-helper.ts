// The panel's connection to the local helper: one HelperClient per address and token. It connects
// on open when a token is stored (the client itself tries again a few times, then stops and says
// why until Retry) and is closed when the token or address changes, or the panel goes away.
import { useEffect, useState } from 'preact/hooks'
import type { Settings } from '../../plugin/messages.js'
import { HelperClient, type HelperStatus } from '../helper-client/helper-client.js'
import { helperSocketUrl } from '../run/run-on-helper-async.js'

export interface Helper {
  /** The client while a token is stored, else null. */
  client: HelperClient | null
  status: HelperStatus
  /** The address the client connects to (the settings' address with the /ws path). */
  url: string
  /** Starts trying again after the client stopped (status 'error'). */
  retry: () => void
}

const IDLE: HelperStatus = { state: 'disconnected', capabilities: null, message: null }

export function useHelper(settings: Settings, settingsLoaded: boolean): Helper {
  const url = helperSocketUrl(settings.helperUrl)
  const token = settings.helperToken.trim()
  const [helper, setHelper] = useState<{ client: HelperClient | null; status: HelperStatus }>({ client: null, status: IDLE })

  useEffect(() => {
    // Wait for the stored settings: connecting with the defaults first would be a wasted try.
    if (!settingsLoaded || token === '') {
      setHelper({ client: null, status: IDLE })
      return undefined
    }
    let client: HelperClient
    try {
      client = new HelperClient({
        url, token,
        onStatus: (status) => setHelper((h) => (h.client === client ? { client, status } : h))
      })
    } catch (error) {
      setHelper({ client: null, status: { state: 'error', capabilities: null, message: error instanceof Error ? error.message : String(error) } })
      return undefined
    }
    setHelper({ client, status: client.current })
    // The status line says why a try failed; the client tries again with growing waits, then stops.
    client.connect().catch(() => undefined)
    return () => client.close()
  }, [settingsLoaded, url, token])

  const { client } = helper
  return { client, status: helper.status, url, retry: () => client?.retry() }
}
