/** What a caller gets back for a file it handed over: an opaque token, never a path. */
export interface UploadRef {
  readonly upload: string;
  readonly name: string;
  readonly size: number;
}

export const UPLOAD_TOKEN_PATTERN = /^[A-Za-z0-9_-]{24,64}$/;
