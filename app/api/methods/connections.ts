import { z } from 'zod';
import { method } from '../define';
import { jobIdSchema } from './jobs';
import type { ConnectionSummary } from './app';

export interface ConnectionDetail extends ConnectionSummary {
  readonly account: string | null;
  readonly lastTestedAt: string | null;
  readonly hasSecret: boolean;
  /** The last four characters of the stored key, for recognising it; the key itself never leaves the core. */
  readonly secretHint: string | null;
  /** How the core signs in to the account: an API key, or OAuth2 tokens from the person's own developer app. */
  readonly signIn: 'api-key' | 'oauth2';
  readonly contactCount: number;
}

/** A connection's request budget, and what the CRM last said is left of today's. */
export interface ConnectionQuota {
  readonly perMinute: number | null;
  readonly perDay: number | null;
  readonly availableToday: number | null;
  /** ISO time of the next daily reset. */
  readonly resetsAt: string | null;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly account: string | null;
  readonly details: Readonly<Record<string, string>>;
  readonly error?: { readonly code: string; readonly message: string };
}

/** A CRM this build can connect, as the Connections screen offers it (from the connector's descriptor). */
export interface ConnectionKind {
  readonly kind: string;
  readonly label: string;
  /** null: every account has its own URL, which the person must type. */
  readonly defaultBaseUrl: string | null;
  readonly help: { readonly baseUrl: string; readonly apiKey: string };
  /** The account can be connected through OAuth2 in the browser with the person's own developer app. */
  readonly oauth2: boolean;
  /** A sandbox account of this kind (with its linked WordPress site) can be added on loopback. */
  readonly sandbox: boolean;
  readonly capabilities: {
    readonly nativeMerge: boolean;
    readonly lists: boolean;
    readonly automations: boolean;
    readonly sequences: boolean;
    readonly customFields: boolean;
    readonly maxEmails: number;
    readonly maxPhones: number;
    readonly maxAddresses: number;
    readonly consent: 'email-opt-in' | 'list-status';
  };
}

// Shapes only: the connector's own credentials schema judges the values (https, URL form, key length).
const baseUrl = z.string().trim().min(1).max(500);
const apiKey = z.string().trim().min(8, 'The API key looks too short').max(4096);
const label = z.string().trim().min(1).max(120);
const kind = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'Unknown connection kind');

export const crmConnectionInput = z
  .object({
    kind,
    label: label.optional(),
    baseUrl: baseUrl.optional(),
    apiKey,
  })
  .strict();

export const connectionMethods = {
  'connections/kinds': method(
    z.object({}).strict(),
    'The CRMs this build can connect, with what each asks for and what it can do.',
  ).returns<ConnectionKind[]>(),
  'connections/list': method(
    z.object({}).strict(),
    'Every connection with its account, test state and a hint of its stored key.',
  ).returns<ConnectionDetail[]>(),
  'connections/add': method(
    crmConnectionInput,
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
  'connections/oauth-start': method(
    z
      .object({
        kind,
        label: label.optional(),
        baseUrl: baseUrl.optional(),
        clientId: z.string().trim().min(1).max(500),
        clientSecret: z.string().trim().min(1).max(500),
      })
      .strict(),
    "Starts connecting an account through OAuth2 with the person's own developer app: answers with the consent URL for the system browser; the redirect comes back to a 127.0.0.1 port the core listens on.",
  ).returns<{ flowId: string; authorizeUrl: string }>(),
  'connections/oauth-complete': method(
    z.object({ flowId: z.string().uuid() }).strict(),
    'Waits until the browser step of a flow is done; answers with the new connection.',
  ).returns<{ connection: ConnectionDetail }>(),
  'connections/oauth-cancel': method(
    z.object({ flowId: z.string().uuid() }).strict(),
    'Stops a browser sign-in that is waiting for its redirect.',
  ).returns<{ cancelled: boolean }>(),
  'connections/add-sandbox': method(
    z.object({ kind }).strict(),
    'Starts a sandbox CRM of this kind on 127.0.0.1 with its linked WordPress site, adds both connections and starts their first sync.',
  ).returns<{ connection: ConnectionDetail }>(),
  'connections/quota': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    "A CRM connection's request budget (a minute, a day) and what is left today as the CRM last reported it; null when the CRM states none.",
  ).returns<{ quota: ConnectionQuota | null }>(),
  'connections/test': method(
    z.object({ id: z.string().min(1).max(100), jobId: jobIdSchema.optional() }).strict(),
    'Checks that the stored credentials still work and shows the account they belong to; jobs/cancel with the jobId stops it.',
  ).returns<ConnectionTestResult>(),
};
