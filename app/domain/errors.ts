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
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
