/** An error whose message is already a sentence for the designer; shown as is in the UI. */
export class UserError extends Error {
  override name = 'UserError'
}
