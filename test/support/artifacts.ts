/** Where tests save screenshots and images for people to look at (kept by CI as artefacts). */
export const ARTIFACTS = 'test-artifacts'
