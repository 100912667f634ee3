import { startWordPressSandbox, type WordPressSandbox } from '../wordpress';
import type { SandboxTag } from '../wordpress/state';
import { startActiveCampaignSandbox, type AcSandbox, type AcSandboxOptions } from './server';
import { ACCESS_TAGS } from './world';

/**
 * The ActiveCampaign sandbox with a WordPress/AccessAlly sandbox linked to it: the site's members and AccessAlly
 * orders point at one record of some labelled duplicate pairs, as on a real membership site over AC.
 */
export interface LinkedAcSandboxes {
  readonly crm: AcSandbox;
  readonly wordpress: WordPressSandbox;
  close(): Promise<void>;
}

export async function startLinkedAcSandboxes(
  options: AcSandboxOptions & { readonly stateDir: string; readonly wordpressPort?: number },
): Promise<LinkedAcSandboxes> {
  const crm = await startActiveCampaignSandbox(options);
  let wordpress: WordPressSandbox;
  try {
    wordpress = await startWordPressSandbox({
      stateDir: `${options.stateDir}/wordpress`,
      seed: crm.world.wordpressSeed(),
      crmAccessTags: (contactId) => accessTagsOf(crm, contactId),
      ...(options.wordpressPort !== undefined ? { port: options.wordpressPort } : {}),
    });
  } catch (error) {
    await crm.close();
    throw error;
  }
  return {
    crm,
    wordpress,
    async close() {
      await wordpress.close();
      await crm.close();
    },
  };
}

/** The access tags the account holds for a contact now (what AccessAlly copies on a resync); null: no such contact. */
function accessTagsOf(crm: AcSandbox, contactId: string): SandboxTag[] | null {
  const { state } = crm;
  if (!state.contacts[contactId]) return null;
  return Object.values(state.contactTags)
    .filter((a) => a.contact === contactId)
    .map((a) => state.tags[a.tag])
    .filter((t): t is NonNullable<typeof t> => Boolean(t && ACCESS_TAGS.includes(t.tag)))
    .map((t) => ({ id: t.id, name: t.tag }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
