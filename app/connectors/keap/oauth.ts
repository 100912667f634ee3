import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { HttpClient } from '../../net/http-client';
import type { Clock } from '../../ports/clock';
import type { CrmOAuth } from '../../ports/connector';
import { KEAP_DEFAULT_BASE_URL } from './client';
import type { OAuthTokens } from './auth';

/** Keap's accounts site and token endpoint (K-OAUTH). */
export const KEAP_AUTHORIZE_URL = 'https://accounts.infusionsoft.com/app/oauth/authorize';
export const KEAP_TOKEN_URL = 'https://api.infusionsoft.com/token';
/** What a Keap-compatible server (the sandbox) serves on its own origin. */
const AUTHORIZE_PATH = '/app/oauth/authorize';
const TOKEN_PATH = '/token';

/**
 * What an OAuth2 Keap connection keeps in the secret store, as one value: the user's developer app credentials
 * (a refresh needs them) and the current token pair. Marked so it is never mistaken for an API key.
 */
const PREFIX = 'keap-oauth2:';
const oauthSecret = z
  .object({
    clientId: z.string().min(1).max(500),
    clientSecret: z.string().min(1).max(500),
    tokenUrl: z.string().url(),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    expiresAt: z.number(),
  })
  .strict();
export type KeapOAuthSecret = z.infer<typeof oauthSecret>;

export function parseKeapOAuthSecret(secret: string): KeapOAuthSecret | null {
  if (!secret.startsWith(PREFIX)) return null;
  try {
    return oauthSecret.parse(JSON.parse(secret.slice(PREFIX.length)));
  } catch {
    throw new AppError(
      'AUTH_FAILED',
      'The stored Keap OAuth tokens are unreadable; connect the account again.',
    );
  }
}

export function serialiseKeapOAuthSecret(secret: KeapOAuthSecret): string {
  return PREFIX + JSON.stringify(secret);
}

export function withTokens(secret: KeapOAuthSecret, tokens: OAuthTokens): KeapOAuthSecret {
  return { ...secret, ...tokens };
}

/** Keap's own URLs for its API; a compatible server (the sandbox) serves both steps on the API's origin. */
export function keapOAuthEndpoints(baseUrl: string): { authorizeUrl: string; tokenUrl: string } {
  const base = baseUrl.replace(/\/+$/, '');
  if (base === KEAP_DEFAULT_BASE_URL || /^https:\/\/api\.(infusionsoft|keap)\.com\//.test(`${base}/`)) {
    return { authorizeUrl: KEAP_AUTHORIZE_URL, tokenUrl: KEAP_TOKEN_URL };
  }
  const origin = new URL(base).origin;
  return { authorizeUrl: `${origin}${AUTHORIZE_PATH}`, tokenUrl: `${origin}${TOKEN_PATH}` };
}

export const keapOAuth: CrmOAuth = {
  endpoints: keapOAuthEndpoints,
  holdsTokens: (secret) => secret.startsWith(PREFIX),
  async exchange(input, clock: Clock, signal?: AbortSignal) {
    const url = new URL(input.tokenUrl);
    const http = new HttpClient({ baseURL: url.origin, maxRetries: 2, clock });
    const basic = Buffer.from(`${input.clientId}:${input.clientSecret}`).toString('base64');
    const res = await http.request<Record<string, unknown>>({
      method: 'POST',
      path: url.pathname,
      form: {
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      },
      headers: { Authorization: `Basic ${basic}` },
      // A code works once: never sent twice.
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    const body = res.data ?? {};
    if (
      res.status !== 200 ||
      typeof body.access_token !== 'string' ||
      typeof body.refresh_token !== 'string'
    ) {
      const why = typeof body.error_description === 'string' ? body.error_description : `HTTP ${res.status}`;
      throw new AppError(
        'AUTH_FAILED',
        res.status === 401
          ? 'Keap did not accept the app id and secret. Check them in your Keap developer account.'
          : `Keap refused the authorization (${why}). Try connecting again.`,
        { status: res.status },
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 86_400;
    return serialiseKeapOAuthSecret({
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      tokenUrl: input.tokenUrl,
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: clock.now() + expiresIn * 1000,
    });
  },
};
