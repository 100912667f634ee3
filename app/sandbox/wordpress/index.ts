export { startWordPressSandbox, SANDBOX_PLUGIN_VERSION } from './server';
export type { WordPressSandbox, WordPressSandboxOptions, WordPressFault } from './server';
