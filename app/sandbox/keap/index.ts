export { startKeapSandbox, DEFAULT_MERGE_MODEL } from './server';
export type { KeapSandbox, KeapSandboxOptions, MergeModel, RecordedCall } from './server';
export { generateWorld } from './world';
export type { GroundTruth, SandboxStateData } from './model';
export { PAT_LIMITS } from './rate-limits';
export type { KeapLimits } from './rate-limits';
