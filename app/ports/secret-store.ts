/**
 * Where credentials live. Only hosts construct one (Electron: safeStorage; web/CLI: an encrypted file); the core
 * reads a secret at the moment it builds an HTTP client and never stores, logs or returns it.
 */
export interface SecretStore {
  get(ref: string): Promise<string | undefined>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  describe(): SecretStoreInfo;
}

export interface SecretStoreInfo {
  readonly backend: string;
  /** False when the protection is weaker than the OS keychain, so the UI can say so. */
  readonly osProtected: boolean;
  readonly warning?: string;
}
