/**
 * The name of a new result among its siblings: "<content> × <styles>" the first time, then
 * "<content> × <styles> 2", "… 3"… so two results of the same pair can be told apart in the layers
 * panel. The unnumbered name counts as 1; the next number is one above the highest already there,
 * so deleting a middle result never gives two layers the same name.
 */
export function resultName(contentName: string, styleNames: readonly string[], siblingNames: readonly string[]): string {
  const base = `${contentName} × ${styleNames.join(' + ')}`
  let highest = 0
  for (const name of siblingNames) {
    if (name === base) highest = Math.max(highest, 1)
    else if (name.startsWith(`${base} `)) {
      const rest = name.slice(base.length + 1)
      if (/^[1-9]\d{0,8}$/.test(rest)) highest = Math.max(highest, Number(rest))
    }
  }
  return highest === 0 ? base : `${base} ${highest + 1}`
}
