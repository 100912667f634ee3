import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  statSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecretStore, SecretStoreInfo } from '../ports/secret-store';
import { AppError } from '../domain/errors';

/** Thrown when stored credentials exist but cannot be read; `refs` are the secrets that need entering again. */
export class SecretsDamagedError extends AppError {
  constructor(
    readonly refs: readonly string[] | 'all',
    reason: string,
  ) {
    super(
      'SECRETS_DAMAGED',
      `The stored credentials cannot be read (${reason}). Enter the key again for the connections that need it.`,
      { refs, reason },
    );
  }
}

interface SealedEntry {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/**
 * AES-256-GCM secrets for the web and CLI hosts, which have no safeStorage. The key file and the sealed file are
 * both 0600 and the key never enters the workspace database, but anyone who can read the user's files can read
 * both, so `describe()` says so and the UI shows that warning next to saved credentials.
 */
export class FileSecretStore implements SecretStore {
  private readonly file: string;
  private readonly keyFile: string;
  private readonly lockFile: string;

  constructor(dir: string) {
    this.file = join(dir, 'secrets.sealed.json');
    this.keyFile = join(dir, 'secrets.key');
    this.lockFile = join(dir, 'secrets.lock');
  }

  /**
   * Serialises read-modify-write of the sealed file across processes (two hosts saving a key at once would
   * otherwise each write back the file without the other's entry). A lock left by a crashed process is old and
   * is broken after a few seconds.
   */
  private async locked<T>(fn: () => T): Promise<T> {
    mkdirSync(dirname(this.lockFile), { recursive: true });
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        closeSync(openSync(this.lockFile, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        try {
          if (Date.now() - statSync(this.lockFile).mtimeMs > 5_000) rmSync(this.lockFile, { force: true });
        } catch {
          // Released between the two calls.
        }
        if (Date.now() > deadline)
          throw new AppError('BUSY', 'Another Mergedesk process is saving credentials; try again.');
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      }
    }
    try {
      return fn();
    } finally {
      rmSync(this.lockFile, { force: true });
    }
  }

  describe(): SecretStoreInfo {
    return {
      backend: 'aes-256-gcm-file',
      osProtected: false,
      warning:
        'Credentials are encrypted with a key kept in this workspace folder (readable only by your user). ' +
        'The desktop app stores them in the operating system keychain instead.',
    };
  }

  async get(ref: string): Promise<string | undefined> {
    const entry = this.readAll()[ref];
    if (!entry) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(), Buffer.from(entry.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
      decipher.setAAD(Buffer.from(ref));
      return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      if (error instanceof SecretsDamagedError) throw error;
      throw new SecretsDamagedError([ref], 'a stored credential does not match the workspace key');
    }
  }

  /**
   * Stores a secret. Entering a key again is the way out of a damaged store, so a sealed file that cannot be
   * parsed, or a key file that is not a key, is moved aside (kept for inspection) and a fresh one begins.
   */
  async set(ref: string, value: string): Promise<void> {
    await this.locked(() => this.setLocked(ref, value));
  }

  private setLocked(ref: string, value: string): void {
    const all = this.recoverForWrite();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv);
    cipher.setAAD(Buffer.from(ref));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    all[ref] = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    this.writeAll(all);
  }

  async delete(ref: string): Promise<void> {
    await this.locked(() => {
      const all = this.recoverForWrite();
      if (!(ref in all)) return;
      delete all[ref];
      this.writeAll(all);
    });
  }

  /** Every stored ref, or SECRETS_DAMAGED when the sealed file cannot be read. */
  refs(): string[] {
    return Object.keys(this.readAll());
  }

  private recoverForWrite(): Record<string, SealedEntry> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    try {
      this.key();
    } catch (error) {
      if (!(error instanceof SecretsDamagedError)) throw error;
      // Without its key no sealed entry can be read again: both go aside and the store starts over.
      renameSync(this.keyFile, `${this.keyFile}.damaged-${stamp}`);
      if (existsSync(this.file)) renameSync(this.file, `${this.file}.damaged-${stamp}`);
      return {};
    }
    try {
      return this.readAll();
    } catch (error) {
      if (!(error instanceof SecretsDamagedError)) throw error;
      renameSync(this.file, `${this.file}.damaged-${stamp}`);
      return {};
    }
  }

  /**
   * The workspace key, created on first use. Two hosts opening a new workspace at once may both get here: the key
   * is written whole to a private temporary file and linked into place, which fails for all but the first, and
   * every one of them then reads back the key that won.
   */
  private key(): Buffer {
    if (!existsSync(this.keyFile)) {
      mkdirSync(dirname(this.keyFile), { recursive: true });
      const tmp = `${this.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      chmodSync(tmp, 0o600);
      try {
        linkSync(tmp, this.keyFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    const key = Buffer.from(readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new SecretsDamagedError('all', 'the workspace key file is damaged');
    return key;
  }

  private readAll(): Record<string, SealedEntry> {
    if (!existsSync(this.file)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      throw new SecretsDamagedError('all', 'the secrets file is damaged');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SecretsDamagedError('all', 'the secrets file is damaged');
    return parsed as Record<string, SealedEntry>;
  }

  private writeAll(all: Record<string, SealedEntry>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written file that would lose every credential.
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

/** For tests and for hosts that must not persist anything. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  describe(): SecretStoreInfo {
    return { backend: 'memory', osProtected: false, warning: 'Credentials are kept in memory only.' };
  }
  async get(ref: string) {
    return this.values.get(ref);
  }
  async set(ref: string, value: string) {
    this.values.set(ref, value);
  }
  async delete(ref: string) {
    this.values.delete(ref);
  }
}
