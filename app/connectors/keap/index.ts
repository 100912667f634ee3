export { KeapClient, KEAP_DEFAULT_BASE_URL, KEAP_KEY_LIMITS } from './client';
export type { KeapClientOptions } from './client';
export { ApiKeyAuth, OAuth2Auth } from './auth';
export type { KeapAuth, OAuthTokens, OAuth2Options } from './auth';
