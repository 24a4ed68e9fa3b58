// Tests run under Node types; @figma/plugin-typings' index.d.ts would redeclare console/fetch/
// setTimeout, so only its API types are referenced and the two sandbox globals declared here.
/// <reference path="../../node_modules/@figma/plugin-typings/plugin-api.d.ts" />
declare global {
  const figma: PluginAPI
  const __html__: string
}
export {}
