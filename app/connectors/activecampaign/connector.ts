import { z } from 'zod';
import type { CrmConnector } from '../../ports/connector';
import { isLoopbackHost } from '../../net/secure-url';
import { AC_ACCOUNT_LIMITS, ActiveCampaignClient, normaliseAcBaseUrl } from './client';

const credentials = z
  .object({
    baseUrl: z
      .string({ error: 'Enter your account API URL, such as https://example.api-us1.com' })
      .trim()
      .max(500)
      .refine((v) => URL.canParse(v), {
        message: 'Enter your account API URL, such as https://example.api-us1.com',
      })
      // The key goes with every request: https only, except to a sandbox on this computer.
      .refine((v) => {
        const u = new URL(v);
        return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
      }, 'The ActiveCampaign API URL must start with https://')
      .transform(normaliseAcBaseUrl),
    apiKey: z.string().trim().min(8, 'The API key looks too short').max(4096),
  })
  .strict();

/**
 * ActiveCampaign (API v3): no merge endpoint, so the manual strategy; one email and one phone per contact;
 * consent is a status per list; automations a contact is added to by id; custom fields as fieldValues.
 */
export const activeCampaignConnector: CrmConnector = {
  role: 'crm',
  kind: 'activecampaign',
  label: 'ActiveCampaign',
  help: {
    baseUrl:
      'Your account API URL from ActiveCampaign → Settings → Developer (https://<account>.api-us1.com)',
    apiKey: 'API key from ActiveCampaign → Settings → Developer',
  },
  apiKeyEnv: 'AC_API_TOKEN',
  sandbox: () => import('../../sandbox/activecampaign/cli-sandbox').then((m) => m.activeCampaignCliSandbox),
  embeddedSandbox: () =>
    import('../../sandbox/embedded-activecampaign').then((m) => m.activeCampaignEmbeddedSandbox),
  defaultBaseUrl: null,
  credentials,
  capabilities: {
    nativeMerge: false,
    sequences: false,
    tagsOnContact: true,
    automations: true,
    lists: true,
    customFields: true,
    slots: { emails: ['primary'], phones: ['primary'], addresses: [] },
    consent: 'list-status',
  },
  async createClient(config) {
    const t = config.tuning;
    return new ActiveCampaignClient({
      baseUrl: config.baseUrl,
      apiToken: await config.secret(),
      limits: { ...AC_ACCOUNT_LIMITS, ...t.rateLimits },
      clock: config.clock,
      ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
      ...(t.retryBaseDelayMs !== undefined ? { baseDelayMs: t.retryBaseDelayMs } : {}),
      ...(t.maxRetries !== undefined ? { maxRetries: t.maxRetries } : {}),
      ...(config.onRequest ? { onRequest: config.onRequest } : {}),
    });
  },
  testConnection(input, clock, signal) {
    return new ActiveCampaignClient({
      baseUrl: input.baseUrl,
      apiToken: input.apiKey,
      clock,
      maxRetries: 2,
      timeoutMs: 15_000,
    }).testConnection(signal);
  },
};
