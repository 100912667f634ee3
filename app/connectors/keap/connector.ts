import { z } from 'zod';
import type { CrmConnector } from '../../ports/connector';
import { AppError } from '../../domain/errors';
import { ApiKeyAuth, OAuth2Auth, type KeapAuth } from './auth';
import { KeapClient, KEAP_DEFAULT_BASE_URL, KEAP_KEY_LIMITS, KEAP_OAUTH_LIMITS } from './client';
import { keapOAuth, parseKeapOAuthSecret, serialiseKeapOAuthSecret, withTokens } from './oauth';

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
  sandbox: () => import('../../sandbox/keap/cli-sandbox').then((m) => m.keapCliSandbox),
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
  oauth: keapOAuth,
  async createClient(config) {
    const t = config.tuning;
    const secret = await config.secret();
    const oauth = parseKeapOAuthSecret(secret);
    let auth: KeapAuth = new ApiKeyAuth(secret);
    if (oauth) {
      const save = config.saveSecret;
      if (!save)
        throw new AppError('INTERNAL', 'An OAuth2 connection needs somewhere to keep its rotating token.');
      let current = oauth;
      auth = new OAuth2Auth({
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: oauth.tokenUrl,
        tokens: oauth,
        clock: config.clock,
        saveTokens: async (tokens) => {
          current = withTokens(current, tokens);
          await save(serialiseKeapOAuthSecret(current));
        },
      });
    }
    return new KeapClient({
      baseUrl: config.baseUrl || KEAP_DEFAULT_BASE_URL,
      auth,
      // OAuth2 has its client's budget (1,500 a minute), a key its own (240 a minute).
      limits: { ...(oauth ? KEAP_OAUTH_LIMITS : KEAP_KEY_LIMITS), ...t.rateLimits },
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
