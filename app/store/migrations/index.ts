import { initial } from './001-initial';
import { claimsAndRestore } from './002-claims-and-restore';
import { openConnectionKinds } from './003-open-connection-kinds';
import { clusteredMatchKeys } from './004-clustered-match-keys';
import { dropUnreadContactIndexes } from './005-drop-unread-contact-indexes';
import { searchIndexUpdatedByRepo } from './006-search-index-updated-by-repo';
import type { Migration } from './types';

/** Forward-only, in order. A new migration is a new file appended here; an applied one is never edited. */
export const migrations: readonly Migration[] = [
  initial,
  claimsAndRestore,
  openConnectionKinds,
  clusteredMatchKeys,
  dropUnreadContactIndexes,
  searchIndexUpdatedByRepo,
];

export type { Migration };
