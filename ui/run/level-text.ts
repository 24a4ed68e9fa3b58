// Words beside the panel's log sliders (smoothness, "Keep details").

/**
 * A log slider's position in words (0.5 is the engine default): designers read "Default" and
 * "Strong", not the factor on a loss weight the slider steps through.
 */
export function levelText(value: number): string {
  if (value <= 0) return 'Off'
  if (value < 0.2) return 'Faint'
  if (value < 0.45) return 'Light'
  if (value <= 0.55) return 'Default'
  if (value < 0.8) return 'Strong'
  return 'Strongest'
}
