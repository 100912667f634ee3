import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SecretStore, SecretStoreInfo } from '../ports/secret-store';

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

  constructor(dir: string) {
    this.file = join(dir, 'secrets.sealed.json');
    this.keyFile = join(dir, 'secrets.key');
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
    const decipher = createDecipheriv('aes-256-gcm', this.key(), Buffer.from(entry.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
    decipher.setAAD(Buffer.from(ref));
    return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }

  async set(ref: string, value: string): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv);
    cipher.setAAD(Buffer.from(ref));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const all = this.readAll();
    all[ref] = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    this.writeAll(all);
  }

  async delete(ref: string): Promise<void> {
    const all = this.readAll();
    if (!(ref in all)) return;
    delete all[ref];
    this.writeAll(all);
  }

  private key(): Buffer {
    if (!existsSync(this.keyFile)) {
      mkdirSync(dirname(this.keyFile), { recursive: true });
      writeFileSync(this.keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    const key = Buffer.from(readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`The secrets key file ${this.keyFile} is damaged.`);
    return key;
  }

  private readAll(): Record<string, SealedEntry> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, SealedEntry>;
  }

  private writeAll(all: Record<string, SealedEntry>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written file that would lose every credential.
    const tmp = `${this.file}.tmp`;
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
