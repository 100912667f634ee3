import { z } from 'zod';
import type { WpMember, WpOrder, WpSiteInfo } from '../../ports/wordpress';

/**
 * The JSON the Mergedesk Bridge plugin (and the sandbox site) sends. Parsed with zod so a malformed payload is a
 * clear error naming the route, never a crash in the sync.
 */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const idLike = z.union([z.string(), z.number()]).transform((v) => String(v));

export const bridgeTagSchema = z.object({ id: idLike, name: z.string().nullable().optional() });

export const bridgeMemberSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  email: z.string().nullable().optional(),
  display_name: z.string().nullable().optional(),
  registered: z.string().nullable().optional(),
  last_login: z.string().nullable().optional(),
  contact_id: idLike.nullable().optional(),
  tags: z.array(bridgeTagSchema).optional().default([]),
  progress: z.record(z.string(), scalar).optional().default({}),
});
export type BridgeMember = z.infer<typeof bridgeMemberSchema>;

export const bridgeOrderSchema = z.object({
  id: idLike,
  kind: z.enum(['order', 'subscription']),
  contact_id: idLike.nullable().optional(),
  title: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

export const bridgeStatusSchema = z.object({
  plugin_version: z.string().nullable().optional(),
  site_url: z.string().optional(),
  accessally: z.object({ active: z.boolean(), version: z.string().nullable().optional() }),
  link_source: z.string(),
  orders_adapter: z.string().nullable().optional(),
});

export const relinkResultSchema = z.object({
  user_id: z.number().int(),
  before: idLike.nullable(),
  after: idLike,
  changed: z.boolean(),
});

export const rekeyResultSchema = z.object({
  moved: z.number().int().nonnegative(),
  orders: z.array(bridgeOrderSchema),
});

export function toMember(m: BridgeMember): WpMember {
  return {
    wpId: m.id,
    login: m.login,
    email: m.email ?? null,
    displayName: m.display_name ?? null,
    registeredAt: m.registered ?? null,
    lastLoginAt: m.last_login ?? null,
    linkedContactId:
      m.contact_id === undefined || m.contact_id === null || m.contact_id === '' ? null : m.contact_id,
    accessTags: m.tags.map((t) => ({ id: t.id, name: t.name ?? t.id })),
    progress: m.progress,
    raw: m,
  };
}

export function toOrder(o: z.infer<typeof bridgeOrderSchema>): WpOrder {
  return {
    id: o.id,
    kind: o.kind,
    contactId: o.contact_id ?? null,
    title: o.title ?? null,
    status: o.status ?? null,
    raw: o,
  };
}

export function toSiteInfo(s: z.infer<typeof bridgeStatusSchema>, fallbackUrl: string): WpSiteInfo {
  return {
    siteUrl: s.site_url ?? fallbackUrl,
    pluginVersion: s.plugin_version ?? null,
    accessAlly: { active: s.accessally.active, version: s.accessally.version ?? null },
    linkSource: s.link_source,
  };
}

/** Contact ids travel in URL paths; both sides accept the same conservative alphabet. */
export const CONTACT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
