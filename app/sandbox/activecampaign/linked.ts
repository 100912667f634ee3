import { startWordPressSandbox, type WordPressSandbox } from '../wordpress';
import { startActiveCampaignSandbox, type AcSandbox, type AcSandboxOptions } from './server';

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
