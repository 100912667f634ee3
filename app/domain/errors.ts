/**
 * Every failure that crosses the contract has a stable code, a sentence a user can act on and optional details.
 * Codes are part of the contract: the UI and the CLI branch on them, so they are never renamed.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'DB_TOO_NEW'
  | 'DB_DAMAGED'
  | 'SECRETS_DAMAGED'
  | 'CONNECTION_FAILED'
  | 'AUTH_FAILED'
  | 'RATE_LIMITED'
  | 'QUOTA_EXHAUSTED'
  | 'REMOTE_ERROR'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'BUSY'
  | 'GUARD_REFUSED'
  | 'STALE'
  | 'UNSUPPORTED'
  | 'INTERNAL';

export interface ErrorShape {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

export class AppError extends Error implements ErrorShape {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toShape(): ErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the contract's error shape; unexpected errors never leak a stack trace. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof AppError) return error.toShape();
  const sqlite = sqliteShape(error);
  if (sqlite) return sqlite;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/**
 * SQLite's own failures in words: "database is locked" names no writer and says nothing of what to do, and a
 * write refused on a damaged workspace (opened query-only) must say how to get out of it.
 */
function sqliteShape(error: unknown): ErrorShape | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return {
      code: 'BUSY',
      message:
        'The workspace database is busy: another Mergedesk window or command (a sync, a scan or a merge) is ' +
        'writing to it and did not finish within 30 seconds. Nothing was lost; run this again once it has ' +
        'finished (a scan that met this retries by itself after the next sync).',
      details: { sqlite: code },
    };
  }
  if (code === 'SQLITE_READONLY' && /readonly database/i.test((error as Error).message)) {
    return {
      code: 'DB_DAMAGED',
      message:
        "This workspace's database failed its integrity check when it was opened, so Mergedesk does not write " +
        'to it. Restore the folder from a backup, or run `mergedesk rebuild-cache` to keep the damaged file ' +
        'aside, carry over connections, decisions and the merge history, and re-sync contacts from the CRM.',
      details: { sqlite: code },
    };
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return {
      code: 'DB_DAMAGED',
      message:
        "This workspace's database is damaged. Restore the folder from a backup, or run " +
        '`mergedesk rebuild-cache` to keep the damaged file aside and re-sync contacts from the CRM.',
      details: { sqlite: code },
    };
  }
  return null;
}
