import { z } from 'zod';
import { method } from '../define';
import type { ConnectionSummary } from './app';
import type { WpSiteInfo } from '../../ports/wordpress';
import type { CachedMember, CachedOrder, WordPressSyncResult } from '../../domain/wordpress';

export type { CachedMember as WordPressMember, CachedOrder as WordPressOrder, WordPressSyncResult };

export interface WordPressPluginInfo {
  readonly version: string;
  readonly fileName: string;
  readonly sizeBytes: number;
  readonly installSteps: readonly string[];
}

export interface WordPressTestResult {
  readonly ok: boolean;
  readonly siteUrl: string;
  /** Credentials accepted and the user may list users (core WordPress). */
  readonly authOk: boolean;
  readonly userCount: number | null;
  readonly pluginInstalled: boolean;
  readonly site: (WpSiteInfo & { readonly ordersAdapter: string | null }) | null;
  readonly problem: { readonly code: string; readonly message: string } | null;
  /** Present when the plugin is missing, so the UI can show how to install it. */
  readonly install: WordPressPluginInfo | null;
}

const contactId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a contact id is 1–64 letters, digits, _ or -');
const credentials = z
  .object({
    url: z.string().trim().min(1, 'enter the site address').max(2000),
    username: z.string().trim().min(1, 'enter the WordPress username').max(200),
    appPassword: z.string().min(1, 'enter the Application Password').max(200),
  })
  .strict();
const connectionId = z.string().min(1).max(100);

export const wordpressMethods = {
  'wordpress/test': method(
    z.union([z.object({ connectionId }).strict(), credentials]),
    'Check a saved WordPress connection or unsaved credentials: login, rights, and whether the Mergedesk Bridge plugin is active.',
  ).returns<WordPressTestResult>(),
  'wordpress/add': method(
    credentials
      .extend({
        label: z.string().trim().max(200).optional(),
        crmConnectionId: z.string().max(100).nullable().optional(),
      })
      .strict(),
    'Save a WordPress connection after testing it; the Application Password goes to the secret store only.',
  ).returns<{ readonly connection: ConnectionSummary; readonly test: WordPressTestResult }>(),
  'wordpress/remove': method(
    z.object({ connectionId }).strict(),
    'Forget a WordPress connection, its password and its cached members and orders.',
  ).returns<{ readonly removed: true }>(),
  'wordpress/sync': method(
    z
      .object({
        connectionId: connectionId.optional(),
        mode: z.enum(['full', 'incremental']).default('full'),
      })
      .strict(),
    'Pull members (contact links, AccessAlly tags) and AccessAlly orders into the cache; emits sync/progress.',
  ).returns<WordPressSyncResult>(),
  'wordpress/members': method(
    z
      .object({
        connectionId: connectionId.optional(),
        filter: z.enum(['all', 'linked', 'orphans', 'unlinked']).default('all'),
        search: z.string().max(200).optional(),
        page: z.number().int().min(1).default(1),
        perPage: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    'Cached members of a site, filtered by how their contact link stands (orphans point at a contact the CRM no longer has).',
  ).returns<{
    readonly connectionId: string;
    readonly crmConnectionId: string | null;
    /** False until a CRM is synced: orphans cannot be told apart yet. */
    readonly orphanCheck: boolean;
    readonly items: readonly CachedMember[];
    readonly total: number;
    readonly page: number;
    readonly perPage: number;
  }>(),
  'wordpress/membersForContact': method(
    z
      .object({
        /** A WordPress connection, or the CRM connection the contact belongs to (then every paired site). */
        connectionId: connectionId.optional(),
        contactId,
      })
      .strict(),
    'WordPress users linked to a CRM contact, with their AccessAlly tags, and AccessAlly orders keyed by it.',
  ).returns<{ readonly members: readonly CachedMember[]; readonly orders: readonly CachedOrder[] }>(),
  'wordpress/contactsWithoutUser': method(
    z
      .object({
        connectionId: connectionId.optional(),
        page: z.number().int().min(1).default(1),
        perPage: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    'Cached CRM contacts that no WordPress user of the site points at.',
  ).returns<{
    readonly items: readonly {
      readonly crmId: string;
      readonly name: string | null;
      readonly email: string | null;
    }[];
    readonly total: number;
  }>(),
  'wordpress/relink': method(
    z
      .object({
        connectionId,
        wpId: z.number().int().min(1),
        contactId,
        /** Then ask AccessAlly to refresh the user's tags from the new contact (its manual merge procedure). */
        resync: z.boolean().default(true),
      })
      .strict(),
    'Point a WordPress user at another CRM contact id (idempotent), then resync its tags; recorded in the audit log.',
  ).returns<{
    readonly before: string | null;
    readonly after: string;
    readonly changed: boolean;
    /** null when no resync was asked for; otherwise whether it succeeded and why not. */
    readonly resync: { readonly ok: boolean; readonly message?: string } | null;
    readonly member: CachedMember | null;
  }>(),
  'wordpress/pluginInfo': method(
    z.object({}).strict(),
    'The Mergedesk Bridge plugin: version, where its zip is, and how to install it.',
  ).returns<WordPressPluginInfo>(),
  'wordpress/pluginZip': method(
    z.object({}).strict(),
    'The Mergedesk Bridge plugin zip as base64, for a download button.',
  ).returns<{ readonly fileName: string; readonly base64: string }>(),
};
