import { afterEach, describe, expect, it } from 'vitest';
import { OAuth2Auth, KeapClient, type OAuthTokens } from '../../../app/connectors/keap';
import { sandbox } from '../../helpers/keap';
import type { KeapSandbox } from '../../../app/sandbox/keap';

describe('Keap OAuth2 with refresh-token rotation (sandbox /token)', () => {
  let sb: KeapSandbox;
  afterEach(async () => sb.close());

  async function exchange(code: string): Promise<OAuthTokens> {
    const res = await fetch(`${sb.origin}/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from('cid:csecret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
    });
    const body = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: Date.now() + body.expires_in * 1000,
    };
  }

  it('refreshes an expiring token, saves the rotated pair, and the old refresh token stops working', async () => {
    sb = await sandbox({ oauth: { clientId: 'cid', clientSecret: 'csecret', accessTtlSeconds: 3600 } });
    const first = await exchange(sb.authorizationCode());
    const saved: OAuthTokens[] = [];
    const auth = new OAuth2Auth({
      clientId: 'cid',
      clientSecret: 'csecret',
      tokenUrl: `${sb.origin}/token`,
      // Expires within the refresh margin: the first request refreshes.
      tokens: { ...first, expiresAt: Date.now() + 10_000 },
      saveTokens: async (t) => {
        saved.push(t);
      },
    });
    const client = new KeapClient({ baseUrl: sb.baseUrl, auth });
    const info = await client.testConnection();
    expect(info.account).toBe('Sandbox Keap app');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.refreshToken).not.toBe(first.refreshToken);

    const stale = new OAuth2Auth({
      clientId: 'cid',
      clientSecret: 'csecret',
      tokenUrl: `${sb.origin}/token`,
      tokens: { ...first, expiresAt: 0 },
      saveTokens: async () => undefined,
    });
    await expect(stale.headers()).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      details: { description: 'Invalid Refresh Token' },
    });
  });

  it('an expired access token is refused with the Apigee 401 body', async () => {
    sb = await sandbox({ oauth: { clientId: 'cid', clientSecret: 'csecret' } });
    const res = await fetch(`${sb.baseUrl}/rest/v2/contacts`, {
      headers: { Authorization: 'Bearer not-a-token' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      fault: {
        faultstring: 'Invalid Access Token',
        detail: { errorcode: 'keymanagement.service.invalid_access_token' },
      },
    });
  });
});
