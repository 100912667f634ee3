import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  chooseSecretStore,
  SAFE_STORAGE_FILE,
  SafeStorageSecretStore,
  type SafeStorageLike,
} from '../../../main/electron/safe-storage-secret-store';
import { FileSecretStore } from '../../../app/secrets/file-secret-store';
import { tempDir } from '../../helpers/workspace';

/** A reversible stand-in for the OS keychain: XOR with a key, so ciphertext never equals plaintext. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true, key = 0x5a) {
  const state = { rotate: false };
  const storage: SafeStorageLike & { state: typeof state } = {
    state,
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend as ReturnType<SafeStorageLike['getSelectedStorageBackend']>,
    encryptStringAsync: async (text) => Buffer.from([...Buffer.from(`v1:${text}`)].map((b) => b ^ key)),
    decryptStringAsync: async (buf) => {
      const text = Buffer.from([...buf].map((b) => b ^ key)).toString();
      if (!text.startsWith('v1:')) throw new Error('bad key');
      return { result: text.slice(3), shouldReEncrypt: state.rotate };
    },
  };
  return storage;
}

describe('safeStorage secret store', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('md-safe-');
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips secrets, keeps only ciphertext on disk in a 0600 file', async () => {
    const d = dir();
    const store = new SafeStorageSecretStore(d, fakeSafeStorage(), 'linux');
    await store.set('keap:1', 'pat-super-secret');
    await store.set('wp:2', 'app password with spaces');
    expect(await store.get('keap:1')).toBe('pat-super-secret');
    expect(await store.get('wp:2')).toBe('app password with spaces');
    expect(await store.get('missing')).toBeUndefined();
    const file = join(d, SAFE_STORAGE_FILE);
    expect(readFileSync(file, 'utf8')).not.toContain('super-secret');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.delete('keap:1');
    expect(await store.get('keap:1')).toBeUndefined();
    expect(await store.get('wp:2')).toBe('app password with spaces');
  });

  it('describes an OS-protected backend', () => {
    expect(new SafeStorageSecretStore(dir(), fakeSafeStorage('kwallet6'), 'linux').describe()).toEqual({
      backend: 'safeStorage (kwallet6)',
      osProtected: true,
    });
    expect(new SafeStorageSecretStore(dir(), fakeSafeStorage(), 'darwin').describe().backend).toContain(
      'Keychain',
    );
    expect(new SafeStorageSecretStore(dir(), fakeSafeStorage(), 'win32').describe().warning).toContain(
      'other programs',
    );
  });

  it('refuses to store anything with Linux basic_text encryption', async () => {
    const store = new SafeStorageSecretStore(dir(), fakeSafeStorage('basic_text'), 'linux');
    await expect(store.set('keap:1', 'x')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('says clearly when a saved credential cannot be decrypted here', async () => {
    const d = dir();
    await new SafeStorageSecretStore(d, fakeSafeStorage('gnome_libsecret', true, 1), 'linux').set('k', 'v');
    const other = new SafeStorageSecretStore(d, fakeSafeStorage('gnome_libsecret', true, 2), 'linux');
    await expect(other.get('k')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('re-encrypts when the keychain asks for it', async () => {
    const d = dir();
    const storage = fakeSafeStorage();
    const store = new SafeStorageSecretStore(d, storage, 'darwin');
    await store.set('k', 'value');
    const before = readFileSync(join(d, SAFE_STORAGE_FILE), 'utf8');
    storage.state.rotate = true;
    expect(await store.get('k')).toBe('value');
    storage.state.rotate = false;
    expect(await store.get('k')).toBe('value');
    expect(JSON.parse(readFileSync(join(d, SAFE_STORAGE_FILE), 'utf8'))).toEqual(JSON.parse(before));
  });

  it('chooses the keychain when real, the warned file store otherwise', async () => {
    const real = await chooseSecretStore(dir(), fakeSafeStorage('gnome_libsecret'), 'linux');
    expect(real.store).toBeInstanceOf(SafeStorageSecretStore);
    expect(real.fallbackReason).toBeUndefined();

    const basic = await chooseSecretStore(dir(), fakeSafeStorage('basic_text'), 'linux');
    expect(basic.store).toBeInstanceOf(FileSecretStore);
    expect(basic.fallbackReason).toContain('basic_text');
    expect(basic.store.describe().osProtected).toBe(false);
    expect(basic.store.describe().warning).toBeTruthy();

    const unavailable = await chooseSecretStore(dir(), fakeSafeStorage('gnome_libsecret', false), 'darwin');
    expect(unavailable.store).toBeInstanceOf(FileSecretStore);
  });
});
