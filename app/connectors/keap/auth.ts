import { AppError } from '../../domain/errors';
import { HttpClient } from '../../net/http-client';
import type { Clock } from '../../ports/clock';
import { systemClock } from '../../ports/clock';

/**
 * How a Keap request proves who it is. A Personal Access Token or Service Account Key is a fixed header; OAuth2
 * access tokens expire and are refreshed with a rotating refresh token, so the provider owns that state.
 */
export interface KeapAuth {
  readonly kind: 'api_key' | 'oauth2';
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
}

export class ApiKeyAuth implements KeapAuth {
  readonly kind = 'api_key' as const;
  constructor(private readonly key: string) {
    if (!key.trim()) throw new AppError('INVALID_INPUT', 'The Keap API key is empty.');
  }
  async headers(): Promise<Record<string, string>> {
    return { 'X-Keap-API-Key': this.key.trim() };
  }
}

export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch ms when the access token stops working. */
  readonly expiresAt: number;
}

export interface OAuth2Options {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default `https://api.infusionsoft.com/token`. */
  readonly tokenUrl?: string;
  readonly tokens: OAuthTokens;
  /** Called with every new token pair: Keap rotates the refresh token, so the old one is dead once this runs. */
  readonly saveTokens: (tokens: OAuthTokens) => Promise<void>;
  readonly clock?: Clock;
}

/** OAuth2 bearer tokens with refresh-token rotation; refreshes a minute before expiry, one refresh at a time. */
export class OAuth2Auth implements KeapAuth {
  readonly kind = 'oauth2' as const;
  private tokens: OAuthTokens;
  private refreshing: Promise<void> | null = null;
  private readonly clock: Clock;
  private readonly http: HttpClient;

  constructor(private readonly options: OAuth2Options) {
    this.tokens = options.tokens;
    this.clock = options.clock ?? systemClock;
    const url = new URL(options.tokenUrl ?? 'https://api.infusionsoft.com/token');
    this.http = new HttpClient({ baseURL: url.origin, maxRetries: 3, clock: this.clock });
    this.tokenPath = url.pathname;
  }

  private readonly tokenPath: string;

  async headers(): Promise<Record<string, string>> {
    if (this.clock.now() > this.tokens.expiresAt - 60_000) await this.refresh();
    return { Authorization: `Bearer ${this.tokens.accessToken}` };
  }

  /** Forces a refresh (e.g. after a 401 with an expired token). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    const res = await this.http.request<Record<string, unknown>>({
      method: 'POST',
      path: this.tokenPath,
      form: { grant_type: 'refresh_token', refresh_token: this.tokens.refreshToken },
      headers: { Authorization: `Basic ${basic}` },
      idempotent: false,
    });
    const body = res.data ?? {};
    if (
      res.status !== 200 ||
      typeof body.access_token !== 'string' ||
      typeof body.refresh_token !== 'string'
    ) {
      throw new AppError(
        'AUTH_FAILED',
        'Keap refused to refresh the OAuth token; connect the account again.',
        { status: res.status, error: body.error, description: body.error_description },
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 86_400;
    const next = {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: this.clock.now() + expiresIn * 1000,
    };
    // Keap has already retired the old refresh token: the new one is written durably before the new access token
    // is used, so a crash from here on restarts with a token that works.
    await this.options.saveTokens(next);
    this.tokens = next;
  }
}
