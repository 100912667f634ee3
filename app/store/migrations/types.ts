export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; versions are consecutive from 1. */
  readonly version: number;
  readonly name: string;
  readonly up: string;
  /**
   * A table rebuild (create, copy, drop, rename) needs foreign key enforcement off while it runs, or dropping the
   * old table would cascade to every row that points at it. The runner turns it off around the transaction and
   * checks every foreign key before committing.
   */
  readonly foreignKeysOff?: boolean;
}
