import { z } from 'zod';
import { method } from '../define';
import type { ConnectionSummary } from './app';

export interface ConnectionDetail extends ConnectionSummary {
  readonly account: string | null;
  readonly lastTestedAt: string | null;
  readonly hasSecret: boolean;
  /** The last four characters of the stored key, for recognising it; the key itself never leaves the core. */
  readonly secretHint: string | null;
  readonly contactCount: number;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly account: string | null;
  readonly details: Readonly<Record<string, string>>;
  readonly error?: { readonly code: string; readonly message: string };
}

const baseUrl = z.string().trim().url('Enter a URL such as https://api.infusionsoft.com/crm').max(500);
const apiKey = z.string().trim().min(8, 'The API key looks too short').max(4096);
const label = z.string().trim().min(1).max(120);

export const keapConnectionInput = z
  .object({
    kind: z.literal('keap'),
    label: label.optional(),
    baseUrl: baseUrl.optional(),
    apiKey,
  })
  .strict();

export const connectionMethods = {
  'connections/list': method(
    z.object({}).strict(),
    'Every connection with its account, test state and a hint of its stored key.',
  ).returns<ConnectionDetail[]>(),
  'connections/add': method(
    z.discriminatedUnion('kind', [keapConnectionInput]),
    'Tests the credentials and, when they work, saves a new connection (the key goes to the secret store).',
  ).returns<{ connection: ConnectionDetail; test: ConnectionTestResult }>(),
  'connections/edit': method(
    z
      .object({
        id: z.string().min(1).max(100),
        label: label.optional(),
        baseUrl: baseUrl.optional(),
        apiKey: apiKey.optional(),
      })
      .strict(),
    'Renames a connection or changes its URL or key; a new URL or key is tested before it is saved.',
  ).returns<{ connection: ConnectionDetail; test: ConnectionTestResult | null }>(),
  'connections/remove': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    'Removes a connection, its stored key and everything cached from it.',
  ).returns<{ removed: boolean }>(),
  'connections/test': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    'Checks that the stored credentials still work and shows the account they belong to.',
  ).returns<ConnectionTestResult>(),
};
