import type { z } from 'zod';
import type { CoreContext } from '../context/context';
import type { Clock } from './clock';
import type { CrmAccountInfo, CrmClient } from './crm';
import type { WordPressClient } from './wordpress';

/**
 * A connector describes one kind of connection (a CRM, or the WordPress site) to the generic core: what it is
 * called, which credentials it needs, what it can do, and how to build a client. Each connector exports its
 * descriptor from its own folder; the host hands the list to `createCore({ connectors })` and every generic
 * module (sync, connections, merge, the renderer through `connections/kinds`) reads it from there.
 */

/** How consent is held: on each email address (Keap opt-in/out) or per mailing list (ActiveCampaign). */
export type ConsentModel = 'email-opt-in' | 'list-status';

export interface CrmSlots {
  /** The slot names a contact can hold, in order (Keap: EMAIL1..EMAIL3); the length is the capacity. */
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly addresses: readonly string[];
}

export interface CrmCapabilities {
  /** The CRM merges two contacts itself (Keap's `contacts:merge`); false means the manual strategy. */
  readonly nativeMerge: boolean;
  /** Keap-style sequences a contact is added to by id. */
  readonly sequences: boolean;
  /** A contact read answers with its current tag ids, so a check before act needs no separate tags request. */
  readonly tagsOnContact: boolean;
  /** Named automations a contact can be added to and listed in (ActiveCampaign). */
  readonly automations: boolean;
  /** Mailing lists with a subscription status per contact (ActiveCampaign). */
  readonly lists: boolean;
  /** Custom fields kept apart from the contact record and merged field by field (ActiveCampaign fieldValues). */
  readonly customFields: boolean;
  readonly slots: CrmSlots;
  readonly consent: ConsentModel;
}

/** What a connection's credentials look like when a person types them in (validated by `credentials`). */
export interface CrmCredentials {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** Everything a connector needs to build a client for a stored connection. */
export interface CrmClientConfig {
  readonly baseUrl: string;
  /** Reads the stored key (from the secret store) at the last moment; throws AUTH_FAILED when none is stored. */
  readonly secret: () => Promise<string>;
  /** Per-connection tuning (rate limits, timeouts) from `connections.settings`. */
  readonly tuning: ConnectionTuning;
  readonly clock: Clock;
  readonly onRequest?: () => void;
  /**
   * Stores a new secret for the connection durably before it resolves (OAuth2: the rotated refresh token, which
   * must be on disk before the new access token is used).
   */
  readonly saveSecret?: (secret: string) => Promise<void>;
}

/** The browser consent flow of a CRM that offers OAuth2 (authorization code with PKCE, loopback redirect). */
export interface CrmOAuth {
  /** Where the browser asks for consent and where codes are exchanged, for an API base URL. */
  endpoints(baseUrl: string): { readonly authorizeUrl: string; readonly tokenUrl: string };
  /** Whether a stored secret holds this flow's tokens rather than an API key (so no key hint is shown for it). */
  holdsTokens(secret: string): boolean;
  /** Exchanges the code for tokens; answers with the secret to store (client credentials and tokens together). */
  exchange(
    input: {
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly code: string;
      readonly redirectUri: string;
      readonly codeVerifier: string;
    },
    clock: Clock,
    signal?: AbortSignal,
  ): Promise<string>;
}

export interface ConnectionTuning {
  readonly rateLimits?: { readonly perSecond?: number | undefined; readonly perMinute?: number | undefined };
  readonly timeoutMs?: number;
  readonly retryBaseDelayMs?: number;
  readonly maxRetries?: number;
}

export interface CrmConnector {
  readonly role: 'crm';
  /** Stored in `connections.kind`. */
  readonly kind: string;
  /** People's name for it: "Keap", "ActiveCampaign". */
  readonly label: string;
  /** What the Connections screen asks for, in words. */
  readonly help: { readonly baseUrl: string; readonly apiKey: string };
  /** The environment variable `mergedesk connect <kind>` reads the key from (else it asks, without echo). */
  readonly apiKeyEnv: string;
  /** null when every account has its own URL (ActiveCampaign). */
  readonly defaultBaseUrl: string | null;
  /** Parses and normalises what a person typed; refuses what the CRM would never accept (http to a remote). */
  readonly credentials: z.ZodType<CrmCredentials, unknown>;
  readonly capabilities: CrmCapabilities;
  createClient(config: CrmClientConfig): Promise<CrmClient>;
  /** Present when the CRM can be connected through OAuth2 in the browser as well as with a key. */
  readonly oauth?: CrmOAuth;
  /** Checks credentials before anything is saved; answers quickly (few retries, short timeout). */
  testConnection(credentials: CrmCredentials, clock: Clock, signal?: AbortSignal): Promise<CrmAccountInfo>;
  /**
   * A compatible CRM on loopback for trying things out (`mergedesk sandbox --crm <kind>`), loaded only when
   * asked for.
   */
  readonly sandbox?: () => Promise<CrmSandbox>;
  /**
   * A sandbox of this CRM, with a WordPress site linked to it, that a person can add to a workspace from the
   * Connections screen ("Add <CRM> sandbox"); loaded only when asked for.
   */
  readonly embeddedSandbox?: () => Promise<EmbeddedCrmSandbox>;
}

/** A CRM sandbox served by the host inside a workspace, beside the first-start one. */
export interface EmbeddedCrmSandbox {
  /** Starts both connections and their first sync; says which CRM connection it added. */
  add(ctx: CoreContext): Promise<{ readonly connectionId: string }>;
  /** Starts the sandbox again when the workspace already holds its connection (a host opening the workspace). */
  resume(ctx: CoreContext): Promise<unknown>;
  /** Stops the sandbox if this host serves it. */
  close(ctx: CoreContext): Promise<void>;
  /**
   * Its CRM connection was removed: the sandbox is over. Stops it if this host serves it and removes the sandbox
   * site connection paired with it, which has nothing left to pair with.
   */
  removed(ctx: CoreContext, crmConnectionId: string): Promise<void>;
}

/** What `mergedesk sandbox --crm <kind>` asks of a CRM's sandbox. */
export interface CrmSandboxOptions {
  readonly contacts: number;
  readonly seed: number;
  readonly port?: number;
  /** Keeps the sandbox's state (merges, deletions) across restarts; a fresh temporary folder otherwise. */
  readonly stateDir?: string;
  readonly latencyMs?: number;
}

/** A CRM sandbox running on loopback, as the CLI prints it. */
export interface RunningCrmSandbox {
  /** What `--json` prints: addresses, the key to connect with, how many contacts and labelled duplicates. */
  readonly info: Readonly<Record<string, unknown>>;
  /** The same for a person, one line each, saying how to connect to it. */
  readonly lines: readonly string[];
  close(): Promise<void>;
}

export interface CrmSandbox {
  start(options: CrmSandboxOptions): Promise<RunningCrmSandbox>;
}

export interface SiteConnector {
  readonly role: 'site';
  readonly kind: string;
  readonly label: string;
  /** The client for a stored site connection; reads its secret on first use. */
  createClient(ctx: CoreContext, connectionId: string): WordPressClient;
}

export type Connector = CrmConnector | SiteConnector;
