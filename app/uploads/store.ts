import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../domain/errors';
import type { CoreContext } from '../context/context';
import { UPLOAD_TOKEN_PATTERN, type UploadRef } from './types';

/** The largest file a host hands the core (a 600k-row CRM export is about 100 MB). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const MAX_UPLOADS = 4;
const TTL_MS = 60 * 60 * 1000;

export { UPLOAD_TOKEN_PATTERN, type UploadRef };

interface Held {
  readonly name: string;
  readonly bytes: Buffer;
  readonly at: number;
}

/**
 * Files a host received for the core (a browser upload, a file the user chose in a native dialog), held in memory
 * under opaque tokens. The caller names a token, never a path, so nothing outside what the user handed over can be
 * reached through the contract. Few and short-lived: the oldest goes when a new one arrives past the limit.
 */
export class UploadStore {
  private readonly held = new Map<string, Held>();

  constructor(
    readonly maxBytes = MAX_UPLOAD_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  put(name: string, bytes: Uint8Array): UploadRef {
    if (bytes.byteLength > this.maxBytes) throw tooLarge(this.maxBytes);
    this.prune();
    while (this.held.size >= MAX_UPLOADS) this.held.delete(this.held.keys().next().value!);
    const upload = randomBytes(24).toString('base64url');
    const clean = cleanName(name);
    this.held.set(upload, { name: clean, bytes: Buffer.from(bytes), at: this.now() });
    return { upload, name: clean, size: bytes.byteLength };
  }

  /** Reads a stream into the store, stopping (and refusing) as soon as it passes the cap. */
  async putStream(name: string, stream: AsyncIterable<Uint8Array>): Promise<UploadRef> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > this.maxBytes) throw tooLarge(this.maxBytes);
      chunks.push(Buffer.from(chunk));
    }
    return this.put(name, Buffer.concat(chunks, size));
  }

  get(upload: string): { readonly name: string; readonly bytes: Buffer } {
    this.prune();
    const held = this.held.get(upload);
    if (!held) {
      throw new AppError('NOT_FOUND', 'That file is no longer held; choose it again.', { upload: 'expired' });
    }
    return held;
  }

  delete(upload: string): boolean {
    return this.held.delete(upload);
  }

  private prune() {
    const cutoff = this.now() - TTL_MS;
    for (const [token, held] of this.held) if (held.at < cutoff) this.held.delete(token);
  }
}

const stores = new WeakMap<CoreContext, UploadStore>();

export function uploadsOf(ctx: CoreContext): UploadStore {
  let store = stores.get(ctx);
  if (!store) stores.set(ctx, (store = new UploadStore(MAX_UPLOAD_BYTES, () => ctx.clock.now())));
  return store;
}

/** A file the user chose in the operating system's own dialog (the Electron host); null when they cancelled. */
export type FilePicker = (request: {
  readonly title: string;
  readonly extensions: readonly string[];
}) => Promise<string | null>;

const pickers = new WeakMap<CoreContext, FilePicker>();

export function setFilePicker(ctx: CoreContext, picker: FilePicker): void {
  pickers.set(ctx, picker);
}

export function filePickerOf(ctx: CoreContext): FilePicker | undefined {
  return pickers.get(ctx);
}

/**
 * Reads a file a person named themselves (CLI argument, native dialog): a regular file only (a FIFO would block and
 * a device would never end), opened once and read up to the cap, so what is checked is what is read.
 */
export async function readChosenFile(
  path: string,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<{ readonly name: string; readonly bytes: Buffer }> {
  const name = cleanName(basename(path));
  let handle;
  try {
    // Non-blocking: opening a FIFO for reading must not wait for a writer (it is refused just below).
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new AppError('NOT_FOUND', `Cannot open ${name}.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new AppError('INVALID_INPUT', `${name} is not a regular file.`);
    if (info.size > maxBytes) throw tooLarge(maxBytes);
    const bytes = Buffer.alloc(info.size);
    let read = 0;
    while (read < info.size) {
      const { bytesRead } = await handle.read(bytes, read, info.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { name, bytes: bytes.subarray(0, read) };
  } finally {
    await handle.close();
  }
}

function tooLarge(max: number): AppError {
  return new AppError(
    'INVALID_INPUT',
    `The file is larger than ${Math.round(max / (1024 * 1024))} MB, the most Mergedesk reads at once.`,
    { maxBytes: max },
  );
}

/** A file name as a message may show it: its last part, printable, capped. */
export function cleanName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const printable = last.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').trim();
  return (printable || 'file').slice(0, 120);
}
