export { startActiveCampaignSandbox } from './server';
export type { AcSandbox, AcSandboxOptions } from './server';
export { generateAcWorld } from './world';
export type { AcGroundTruth, AcDuplicateKind, AcState } from './world';
export { startLinkedAcSandboxes } from './linked';
export type { LinkedAcSandboxes } from './linked';
