import type { ErrorCode } from '../../app/domain/errors';

/** Exit codes scripts can branch on. 2 is reserved for usage errors (commander's own). */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  AUTH: 4,
  REFUSED: 5,
  UNREACHABLE: 6,
  CANCELLED: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'UNKNOWN_METHOD':
      return EXIT.USAGE;
    case 'NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'AUTH_FAILED':
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'SECRETS_DAMAGED':
      return EXIT.AUTH;
    case 'GUARD_REFUSED':
    case 'STALE':
    case 'CONFLICT':
    case 'DB_TOO_NEW':
    case 'DB_DAMAGED':
      return EXIT.REFUSED;
    case 'CONNECTION_FAILED':
    case 'TIMEOUT':
    case 'RATE_LIMITED':
    case 'QUOTA_EXHAUSTED':
      return EXIT.UNREACHABLE;
    case 'CANCELLED':
      return EXIT.CANCELLED;
    default:
      return EXIT.FAILURE;
  }
}
