import { createCore, type Core } from '../../app/api/core';
import type { HostKind } from '../../app/context/context';
import { openWorkspace } from '../../app/workspace/workspace';
import { resolveWorkspaceDir } from '../../app/workspace/paths';
import type { SecretStore } from '../../app/ports/secret-store';
import { AppError } from '../../app/domain/errors';
import { attachAutoRescan } from '../../app/detect/auto-rescan';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import type { FilePicker } from '../../app/uploads/store';

export interface OpenCoreOptions {
  readonly host: HostKind;
  /** `--workspace DIR`; falls back to MERGEDESK_HOME, then the default workspace. */
  readonly workspace?: string;
  readonly secrets?: SecretStore;
  /** The desktop host's native file dialog (`detect/csv/pick`). */
  readonly pickFile?: FilePicker;
}

/** The same start-up for every host: resolve the workspace, open (and migrate) its cache, build the core. */
export function openCore(options: OpenCoreOptions): Core {
  const dir = resolveWorkspaceDir(options.workspace);
  let workspace;
  try {
    workspace = openWorkspace(dir, options.secrets ? { secrets: options.secrets } : {});
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('INTERNAL', `Cannot open the workspace ${dir}: ${reason}`, { dir });
  }
  const core = createCore({
    workspace,
    host: options.host,
    connectors: BUILT_IN_CONNECTORS,
    ...(options.pickFile ? { pickFile: options.pickFile } : {}),
  });
  // Long-lived hosts keep the duplicate queue current after every sync; a CLI command ends with its own work.
  if (options.host !== 'cli') attachAutoRescan(core.context);
  return core;
}
