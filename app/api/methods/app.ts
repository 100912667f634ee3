import { z } from 'zod';
import { method } from '../define';

export interface AppInfo {
  readonly name: 'Mergedesk';
  readonly version: string;
  readonly host: 'electron' | 'web' | 'cli';
  /** The workspace folder as Settings shows it (the home folder as "~"). */
  readonly workspaceDir: string;
  readonly schemaVersion: number;
  readonly platform: string;
  readonly secretStorage: {
    readonly backend: string;
    readonly osProtected: boolean;
    readonly warning?: string;
  };
}

export interface ConnectionSummary {
  readonly id: string;
  /** A connector kind: 'keap', 'activecampaign', 'wordpress', … (see `connections/kinds`). */
  readonly kind: string;
  /** What the connection is to the core: a CRM whose contacts are merged, or a site whose members link to them. */
  readonly role: 'crm' | 'site';
  readonly label: string;
  readonly baseUrl: string;
  readonly isSandbox: boolean;
  readonly lastSyncAt: string | null;
  readonly lastTestOk: boolean | null;
}

export interface WorkspaceStatus {
  readonly contacts: number;
  readonly tags: number;
  readonly orders: number;
  readonly subscriptions: number;
  readonly wp_users: number;
  readonly groups: number;
  readonly connections: readonly ConnectionSummary[];
}

export const appMethods = {
  'app/info': method(
    z.object({}).strict(),
    'Version, host and workspace facts for the About box.',
  ).returns<AppInfo>(),
  'workspace/status': method(
    z.object({}).strict(),
    'Counts of what the cache holds, and the configured connections.',
  ).returns<WorkspaceStatus>(),
};
