import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WordPressSeed } from '../types';

export interface SandboxTag {
  readonly id: string;
  readonly name: string;
}

export interface SandboxUser {
  id: number;
  login: string;
  email: string;
  displayName: string;
  registered: string;
  lastLogin: string | null;
  role: 'administrator' | 'subscriber';
  contactId: string | null;
  tags: SandboxTag[];
  progress: Record<string, string | number | boolean | null>;
  appPasswords: string[];
  modified: string;
}

export interface SandboxOrder {
  id: string;
  kind: 'order' | 'subscription';
  contactId: string;
  title: string;
  status: string;
}

export interface SandboxState {
  version: 1;
  nextUserId: number;
  users: SandboxUser[];
  orders: SandboxOrder[];
  /** What the CRM says each contact's access tags are; a resync copies them onto the linked user. */
  contactTags: Record<string, SandboxTag[]>;
}

export const STATE_FILE = 'wordpress-sandbox.json';
export const ADMIN_LOGIN = 'admin';
export const SUBSCRIBER_LOGIN = 'no-access';

/** WordPress shows Application Passwords as 24 alphanumerics in groups of four. */
export function newAppPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let out = '';
  for (let i = 0; i < 24; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out.replace(/(.{4})(?=.)/g, '$1 ');
}

export function seedState(seed: WordPressSeed): SandboxState {
  const users: SandboxUser[] = [];
  const contactTags: Record<string, SandboxTag[]> = {};
  const admin: SandboxUser = {
    id: 1,
    login: ADMIN_LOGIN,
    email: 'admin@sandbox.mergedesk.test',
    displayName: 'Site Admin',
    registered: '2020-01-01T00:00:00Z',
    lastLogin: null,
    role: 'administrator',
    contactId: null,
    tags: [],
    progress: {},
    appPasswords: [newAppPassword()],
    modified: '2020-01-01T00:00:00Z',
  };
  users.push(admin);
  let id = 2;
  for (const m of seed.members) {
    users.push({
      id: id++,
      login: m.login,
      email: m.email,
      displayName: m.displayName,
      registered: m.registeredAt,
      lastLogin: m.lastLoginAt,
      role: 'subscriber',
      contactId: m.linkedContactId,
      tags: m.accessTags.map((t) => ({ id: t.id, name: t.name })),
      progress: { ...m.progress },
      appPasswords: [],
      // What a real site would know: the last time something happened to the user.
      modified: m.lastLoginAt ?? m.registeredAt,
    });
    if (m.linkedContactId) {
      const known = contactTags[m.linkedContactId] ?? [];
      for (const t of m.accessTags)
        if (!known.some((k) => k.id === t.id)) known.push({ id: t.id, name: t.name });
      contactTags[m.linkedContactId] = known;
    }
  }
  users.push({
    id: id++,
    login: SUBSCRIBER_LOGIN,
    email: 'no-access@sandbox.mergedesk.test',
    displayName: 'Subscriber Without Rights',
    registered: '2020-01-02T00:00:00Z',
    lastLogin: null,
    role: 'subscriber',
    contactId: null,
    tags: [],
    progress: {},
    appPasswords: [newAppPassword()],
    modified: '2020-01-02T00:00:00Z',
  });
  return {
    version: 1,
    nextUserId: id,
    users,
    orders: seed.orders.map((o) => ({ ...o })),
    contactTags,
  };
}

export function loadState(stateDir: string): SandboxState | null {
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
  if (parsed.version !== 1 || !Array.isArray(parsed.users)) {
    throw new Error(`${file} is not a WordPress sandbox state file.`);
  }
  return parsed;
}

/** Written whole through a temp file and a rename, so a crash never leaves half a file. */
export function saveState(stateDir: string, state: SandboxState): void {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, STATE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
