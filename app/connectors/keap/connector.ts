import { z } from 'zod';
import type { CrmConnector } from '../../ports/connector';
import { ApiKeyAuth } from './auth';
import { KeapClient, KEAP_DEFAULT_BASE_URL, KEAP_KEY_LIMITS } from './client';

const credentials = z
  .object({
    baseUrl: z
      .string()
      .trim()
      .max(500)
      .default(KEAP_DEFAULT_BASE_URL)
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
        message: 'Enter a URL such as https://api.infusionsoft.com/crm',
      })
      // A pasted ".../crm/rest/v2" keeps the documented base.
      .transform((v) =>
        new URL(v)
          .toString()
          .replace(/\/+$/, '')
          .replace(/\/rest\/v2$/, ''),
      ),
    apiKey: z.string().trim().min(8, 'The API key looks too short').max(4096),
  })
  .strict();

/** Keap (REST v2): native merge, three email, five phone and three address slots, opt-in per address. */
export const keapConnector: CrmConnector = {
  role: 'crm',
  kind: 'keap',
  label: 'Keap',
  help: {
    baseUrl: 'Keap API base URL (leave as is unless you use a compatible server)',
    apiKey: 'Personal Access Token or Service Account Key (Keap → Settings → API)',
  },
  apiKeyEnv: 'KEAP_API_KEY',
  defaultBaseUrl: KEAP_DEFAULT_BASE_URL,
  credentials,
  capabilities: {
    nativeMerge: true,
    sequences: true,
    tagsOnContact: true,
    automations: false,
    lists: false,
    customFields: false,
    slots: {
      emails: ['EMAIL1', 'EMAIL2', 'EMAIL3'],
      phones: ['PHONE1', 'PHONE2', 'PHONE3', 'PHONE4', 'PHONE5'],
      addresses: ['BILLING', 'SHIPPING', 'OTHER'],
    },
    consent: 'email-opt-in',
  },
  async createClient(config) {
    const t = config.tuning;
    return new KeapClient({
      baseUrl: config.baseUrl || KEAP_DEFAULT_BASE_URL,
      auth: new ApiKeyAuth(await config.secret()),
      limits: { ...KEAP_KEY_LIMITS, ...t.rateLimits },
      clock: config.clock,
      ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
      ...(t.retryBaseDelayMs !== undefined ? { baseDelayMs: t.retryBaseDelayMs } : {}),
      ...(t.maxRetries !== undefined ? { maxRetries: t.maxRetries } : {}),
      ...(config.onRequest ? { onRequest: config.onRequest } : {}),
    });
  },
  async testConnection(input, clock, signal) {
    const client = new KeapClient({
      baseUrl: input.baseUrl,
      auth: new ApiKeyAuth(input.apiKey),
      clock,
      // A connection test should answer within seconds, not retry for minutes.
      maxRetries: 2,
      timeoutMs: 15_000,
    });
    return client.testConnection(signal);
  },
};
