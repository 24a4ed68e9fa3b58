/** One sentence for the user from any error: known errors carry their own; others get their message. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    if (/out of memory|OOM|Cannot allocate|allocation failed/i.test(e.message)) {
      return `ran out of memory (${e.message.split('\n')[0]}). Try a smaller --size.`
    }
    return e.message.split('\n')[0] ?? String(e)
  }
  return String(e)
}
