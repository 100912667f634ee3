import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeapContactRecord, SandboxStateData } from './model';
import { generateWorld, type WorldOptions } from './world';

export const STATE_FILE = 'keap-sandbox.json';

/**
 * The sandbox CRM's data. The seed only creates the first state; after that the JSON file in the state folder is
 * the truth, so merges and deletions survive a restart. Writes go to a temporary file and are renamed in place.
 */
export class SandboxStore {
  readonly data: SandboxStateData;
  private version = 0;
  private readonly sorted = new Map<string, { version: number; list: KeapContactRecord[] }>();

  constructor(
    private readonly dir: string | null,
    world: WorldOptions,
  ) {
    const file = dir ? join(dir, STATE_FILE) : null;
    if (file && existsSync(file)) {
      this.data = JSON.parse(readFileSync(file, 'utf8')) as SandboxStateData;
    } else {
      this.data = generateWorld(world);
      this.save();
    }
  }

  /** Call after every change: invalidates sorted views and persists. */
  changed(): void {
    this.version++;
    this.save();
  }

  save(): void {
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, STATE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.data));
    renameSync(`${file}.tmp`, file);
  }

  /** Contacts sorted by a key, cached until the next change. */
  sortedContacts(
    key: string,
    compare: (a: KeapContactRecord, b: KeapContactRecord) => number,
  ): KeapContactRecord[] {
    const hit = this.sorted.get(key);
    if (hit && hit.version === this.version) return hit.list;
    const list = Object.values(this.data.contacts).sort(compare);
    this.sorted.set(key, { version: this.version, list });
    return list;
  }

  tagIdsOf(contactId: string): string[] {
    return Object.keys(this.data.contactTags[contactId] ?? {});
  }
}
