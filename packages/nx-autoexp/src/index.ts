export { createNodesV2, createNodes, createDependencies } from './plugin';
export type { AutoexpPluginOptions } from './plugin';
