import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const DATABASE_FILE = 'mergedesk.db';

/** The per-user application data folder, as Electron's `app.getPath('userData')` would place it. */
export function userDataRoot(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Mergedesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Mergedesk');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Mergedesk');
}

/** `--workspace DIR` wins over `MERGEDESK_HOME`, which wins over the default workspace in the user-data folder. */
export function resolveWorkspaceDir(flag: string | undefined, env = process.env): string {
  if (flag) return resolve(flag);
  if (env.MERGEDESK_HOME) return resolve(env.MERGEDESK_HOME);
  return join(userDataRoot(), 'workspaces', 'default');
}
