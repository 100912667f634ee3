import type { SafeStorage } from 'electron';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore, SecretStoreInfo } from '../../app/ports/secret-store';
import { AppError } from '../../app/domain/errors';
import { FileSecretStore } from '../../app/secrets/file-secret-store';

export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export const SAFE_STORAGE_FILE = 'secrets.safe-storage.json';

/**
 * Linux's `basic_text` backend encrypts with a password hard-coded in Chromium: as good as plain text. `unknown`
 * means the app is not ready yet. Neither may hold credentials.
 */
export function isWeakLinuxBackend(backend: string): boolean {
  return backend === 'basic_text' || backend === 'unknown';
}

function backendName(platform: NodeJS.Platform, linuxBackend: string): string {
  if (platform === 'darwin') return 'safeStorage (macOS Keychain)';
  if (platform === 'win32') return 'safeStorage (Windows DPAPI)';
  return `safeStorage (${linuxBackend})`;
}

/**
 * Credentials encrypted by the operating system's keychain through Electron's safeStorage, kept as base64
 * ciphertexts in one 0600 file in the workspace folder. Decryption happens only here, in the main process.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;

  constructor(
    dir: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = join(dir, SAFE_STORAGE_FILE);
  }

  describe(): SecretStoreInfo {
    const info: SecretStoreInfo = {
      backend: backendName(this.platform, this.linuxBackend()),
      osProtected: true,
    };
    if (this.platform === 'win32') {
      return {
        ...info,
        warning: 'Windows protects these credentials from other users, not from other programs you run.',
      };
    }
    return info;
  }

  async get(ref: string): Promise<string | undefined> {
    const sealed = this.readAll()[ref];
    if (sealed === undefined) return undefined;
    await this.assertUsable();
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
    } catch {
      throw new AppError(
        'NOT_FOUND',
        'A saved credential could not be decrypted by this computer’s keychain (it may come from another user ' +
          'or computer). Enter it again under Connections.',
        { ref },
      );
    }
    // The keychain rotated its key: store the value again under the new one.
    if (decrypted.shouldReEncrypt) await this.set(ref, decrypted.result);
    return decrypted.result;
  }

  async set(ref: string, value: string): Promise<void> {
    await this.assertUsable();
    const sealed = await this.safeStorage.encryptStringAsync(value);
    const all = this.readAll();
    all[ref] = sealed.toString('base64');
    this.writeAll(all);
  }

  async delete(ref: string): Promise<void> {
    const all = this.readAll();
    if (!(ref in all)) return;
    delete all[ref];
    this.writeAll(all);
  }

  private linuxBackend(): string {
    return this.platform === 'linux' ? this.safeStorage.getSelectedStorageBackend() : 'os';
  }

  private async assertUsable(): Promise<void> {
    if (this.platform === 'linux' && isWeakLinuxBackend(this.linuxBackend())) {
      throw new AppError(
        'UNSUPPORTED',
        'No desktop keychain (Secret Service or KWallet) is available, so credentials cannot be stored safely.',
      );
    }
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      throw new AppError('UNSUPPORTED', 'The operating system keychain is not available right now.');
    }
  }

  private readAll(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AppError('INTERNAL', `The credentials file ${this.file} is damaged.`);
    }
    return parsed as Record<string, string>;
  }

  private writeAll(all: Record<string, string>): void {
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    // Write-then-rename: a crash mid-write must never lose every saved credential.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

export interface SecretStoreChoice {
  readonly store: SecretStore;
  /** Set when the OS keychain could not be used; the host logs it and the Settings screen shows it. */
  readonly fallbackReason?: string;
}

/**
 * Picks the keychain-backed store when the OS offers a real one. On Linux without Secret Service/KWallet (the
 * `basic_text` backend) it refuses safeStorage and falls back to the AES-GCM file store, whose `describe()` carries
 * the warning the UI shows. safeStorage's plain-text mode is never switched on.
 */
export async function chooseSecretStore(
  dir: string,
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): Promise<SecretStoreChoice> {
  const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (isWeakLinuxBackend(backend)) {
      return {
        store: new FileSecretStore(dir),
        fallbackReason: `No desktop keychain was found (safeStorage backend "${backend}").`,
      };
    }
  }
  if (!available) {
    return {
      store: new FileSecretStore(dir),
      fallbackReason: 'The operating system keychain is not available.',
    };
  }
  return { store: new SafeStorageSecretStore(dir, safeStorage, platform) };
}
