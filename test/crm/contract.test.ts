import { afterAll } from 'vitest';
import { crmContract } from './crm-contract';
import { FakeCrm } from '../helpers/fake-crm';
import { sandbox } from '../helpers/keap';
import { KeapClient, ApiKeyAuth } from '../../app/connectors/keap';
import type { KeapSandbox } from '../../app/sandbox/keap';
import { startActiveCampaignSandbox, type AcSandbox } from '../../app/sandbox/activecampaign';
import { ActiveCampaignClient } from '../../app/connectors/activecampaign/client';

function fakeWorld(lists: boolean): FakeCrm {
  const crm = new FakeCrm(undefined, { lists });
  crm.seedTag({ id: '1', name: 'Customer', category: null });
  crm.seedTag({ id: '2', name: 'Spare', category: null });
  for (let i = 0; i < 23; i++)
    crm.seedContact({
      id: String(100 + i),
      givenName: `Person ${i}`,
      emails: [{ slot: 'EMAIL1', email: `p${i}@example.com` }],
      phones: [],
      addresses: [],
      tagIds: i % 2 ? ['1'] : [],
    });
  crm.seedOrder({ id: 'o1', contactId: '100', title: 'Course', status: 'PAID', total: 10, orderDate: null });
  if (!lists) {
    crm.seedSequence({
      campaignId: '10',
      campaignName: 'New member onboarding',
      sequenceId: '101',
      name: 'Welcome emails',
      sendsEmail: true,
    });
    crm.seedSequence({
      campaignId: '10',
      campaignName: 'New member onboarding',
      sequenceId: '102',
      name: 'Course access tags',
      sendsEmail: false,
    });
  }
  if (lists) {
    crm.seedList({ id: '1', name: 'Newsletter' });
    crm.seedList({ id: '2', name: 'Customers' });
    crm.seedAutomation({ id: '1', name: 'Welcome series', active: true, sendsEmail: true });
    crm.seedAutomation({ id: '2', name: 'Win-back', active: false, sendsEmail: null });
    crm.seedCustomField({ id: '1', name: 'Favourite course' });
  }
  return crm;
}

crmContract('in-memory fake (Keap-like)', () => ({ client: fakeWorld(false), spareTagId: '2' }));
crmContract('in-memory fake (with lists and automations)', () => ({
  client: fakeWorld(true),
  spareTagId: '2',
}));

let keap: KeapSandbox | null = null;
afterAll(async () => {
  await keap?.close();
});
crmContract('Keap sandbox', async () => {
  keap = await sandbox({ contacts: 60 });
  const client = new KeapClient({ baseUrl: keap.baseUrl, auth: new ApiKeyAuth(keap.apiKey), maxRetries: 2 });
  const tags = Object.keys(keap.store.data.tags);
  return { client, spareTagId: tags[tags.length - 1]! };
});

let ac: AcSandbox | null = null;
afterAll(async () => {
  await ac?.close();
});
crmContract('ActiveCampaign sandbox', async () => {
  ac = await startActiveCampaignSandbox({ people: 12, perSecond: 50 });
  const client = new ActiveCampaignClient({
    baseUrl: ac.baseUrl,
    apiToken: ac.apiKey,
    maxRetries: 4,
    baseDelayMs: 20,
  });
  return { client, spareTagId: '6' };
});
