// Deterministic order for selected layers. figma.currentPage.selection has an unspecified order
// (platform-facts H12), so the default content layer comes from the layers panel instead: top to
// bottom, as the designer reads it (a parent before its children, a higher sibling first).

export function sortByLayersPanel<T extends SceneNode>(nodes: readonly T[]): T[] {
  const paths = new Map(nodes.map((n) => [n.id, pathFromPage(n)]))
  return [...nodes].sort((a, b) => comparePaths(paths.get(a.id)!, paths.get(b.id)!))
}

/** Child indices from the page down to the node. */
function pathFromPage(node: BaseNode): number[] {
  const path: number[] = []
  let current: BaseNode = node
  while (current.parent !== null && current.type !== 'PAGE') {
    const parent: BaseNode & ChildrenMixin = current.parent
    path.unshift(parent.children.indexOf(current as SceneNode))
    current = parent
  }
  return path
}

function comparePaths(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    // Higher index = higher in z-order = higher in the layers panel.
    if (a[i] !== b[i]) return b[i]! - a[i]!
  }
  return a.length - b.length
}
