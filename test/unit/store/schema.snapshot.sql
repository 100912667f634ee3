-- index candidate_pairs_b
CREATE INDEX candidate_pairs_b ON candidate_pairs (b_pk);
-- index contact_tags_tag
CREATE INDEX contact_tags_tag ON contact_tags (tag_pk);
-- index contacts_name
CREATE INDEX contacts_name ON contacts (family_name COLLATE NOCASE, given_name COLLATE NOCASE);
-- index contacts_updated
CREATE INDEX contacts_updated ON contacts (connection_id, updated_at);
-- index decisions_lookup
CREATE INDEX decisions_lookup ON decisions (connection_id, kind, crm_ids);
-- index detect_runs_connection
CREATE INDEX detect_runs_connection ON detect_runs (connection_id, status, id);
-- index dup_group_members_contact
CREATE INDEX dup_group_members_contact ON dup_group_members (contact_pk);
-- index dup_groups_lane
CREATE INDEX dup_groups_lane ON dup_groups (status, lane, score);
-- index dup_groups_score
CREATE INDEX dup_groups_score ON dup_groups (status, score);
-- index merge_runs_group
CREATE INDEX merge_runs_group ON merge_runs (group_id);
-- index merge_runs_status
CREATE INDEX merge_runs_status ON merge_runs (status, created_at);
-- index orders_contact
CREATE INDEX orders_contact ON orders (connection_id, contact_crm_id);
-- index subscriptions_contact
CREATE INDEX subscriptions_contact ON subscriptions (connection_id, contact_crm_id);
-- index wp_orders_contact
CREATE INDEX wp_orders_contact ON wp_orders (contact_id);
-- index wp_users_contact
CREATE INDEX wp_users_contact ON wp_users (linked_contact_id, connection_id);
-- table audit_log
CREATE TABLE audit_log ( id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL, connection_id TEXT, run_id TEXT, subject TEXT, details TEXT NOT NULL DEFAULT '{}' );
-- table candidate_pairs
CREATE TABLE candidate_pairs ( a_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, b_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, score REAL NOT NULL, weight REAL NOT NULL, flags INTEGER NOT NULL DEFAULT 0, rule TEXT NOT NULL DEFAULT '', contributions TEXT NOT NULL, PRIMARY KEY (a_pk, b_pk) ) WITHOUT ROWID;
-- table claims
CREATE TABLE claims ( resource TEXT PRIMARY KEY, holder TEXT NOT NULL, pid INTEGER NOT NULL, hostname TEXT NOT NULL, host_kind TEXT NOT NULL, purpose TEXT NOT NULL, claimed_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, data TEXT ) WITHOUT ROWID;
-- table connections
CREATE TABLE "connections" ( id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, base_url TEXT NOT NULL, settings TEXT NOT NULL DEFAULT '{}', account TEXT, secret_ref TEXT, is_sandbox INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, last_tested_at TEXT, last_test_ok INTEGER, last_sync_at TEXT );
-- table contact_addresses
CREATE TABLE contact_addresses ( contact_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, slot TEXT NOT NULL, line1 TEXT, line2 TEXT, locality TEXT, region TEXT, postal_code TEXT, country_code TEXT, PRIMARY KEY (contact_pk, slot) ) WITHOUT ROWID;
-- table contact_emails
CREATE TABLE contact_emails ( contact_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, slot TEXT NOT NULL, email TEXT NOT NULL, email_norm TEXT NOT NULL, opt_in INTEGER, status TEXT, PRIMARY KEY (contact_pk, slot) ) WITHOUT ROWID;
-- table contact_phones
CREATE TABLE contact_phones ( contact_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, slot TEXT NOT NULL, number TEXT NOT NULL, extension TEXT, type TEXT, e164 TEXT, PRIMARY KEY (contact_pk, slot) ) WITHOUT ROWID;
-- table contact_tags
CREATE TABLE contact_tags ( contact_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, tag_pk INTEGER NOT NULL REFERENCES tags(pk) ON DELETE CASCADE, applied_at TEXT, PRIMARY KEY (contact_pk, tag_pk) ) WITHOUT ROWID;
-- table contacts
CREATE TABLE contacts ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, crm_id TEXT NOT NULL, given_name TEXT, middle_name TEXT, family_name TEXT, prefix TEXT, suffix TEXT, company TEXT, job_title TEXT, birthday TEXT, email_opt_in INTEGER, created_at TEXT, updated_at TEXT, raw TEXT NOT NULL, -- Hash of everything saved for the contact: a re-sync skips rewriting contacts that did not change. fingerprint TEXT, search_text TEXT NOT NULL DEFAULT '', synced_at TEXT NOT NULL, UNIQUE (connection_id, crm_id) );
-- table contacts_fts
CREATE VIRTUAL TABLE contacts_fts USING fts5( search_text, content='contacts', content_rowid='pk', tokenize='trigram', detail='none', columnsize=0 );
-- table contacts_fts_config
CREATE TABLE 'contacts_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- table contacts_fts_data
CREATE TABLE 'contacts_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
-- table contacts_fts_idx
CREATE TABLE 'contacts_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- table decisions
CREATE TABLE decisions ( id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('not_duplicate', 'reviewed_plan')), crm_ids TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, undone_at TEXT );
-- table detect_runs
CREATE TABLE detect_runs ( id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')), status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')), started_at TEXT NOT NULL, finished_at TEXT, model TEXT NOT NULL DEFAULT '{}', watermark TEXT, max_pk INTEGER NOT NULL DEFAULT 0, stats TEXT NOT NULL DEFAULT '{}' );
-- table dup_group_members
CREATE TABLE dup_group_members ( group_id INTEGER NOT NULL REFERENCES dup_groups(id) ON DELETE CASCADE, contact_pk INTEGER NOT NULL REFERENCES contacts(pk) ON DELETE CASCADE, crm_id TEXT NOT NULL, PRIMARY KEY (group_id, contact_pk) ) WITHOUT ROWID;
-- table dup_groups
CREATE TABLE dup_groups ( id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, group_key TEXT NOT NULL, lane TEXT NOT NULL CHECK (lane IN ('safe', 'needs_choice', 'maybe_two_people')), score REAL NOT NULL, reason TEXT NOT NULL, size INTEGER NOT NULL, last_activity TEXT, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed', 'stale')), evidence TEXT NOT NULL DEFAULT '{}', crm_ids TEXT NOT NULL DEFAULT '[]', search_text TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (connection_id, group_key) );
-- table match_keys
CREATE TABLE "match_keys" ( key INTEGER NOT NULL, contact_pk INTEGER NOT NULL, PRIMARY KEY (key, contact_pk) ) WITHOUT ROWID;
-- table match_term_freq
CREATE TABLE match_term_freq ( connection_id TEXT NOT NULL, field INTEGER NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (connection_id, field, value) ) WITHOUT ROWID;
-- table merge_runs
CREATE TABLE merge_runs ( id TEXT PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, group_id INTEGER, group_key TEXT, survivor_id TEXT NOT NULL, loser_ids TEXT NOT NULL, strategy TEXT NOT NULL CHECK (strategy IN ('native', 'manual')), plan TEXT NOT NULL, confirmed TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL CHECK (status IN ('planned', 'dry_run', 'running', 'completed', 'failed', 'interrupted', 'stale', 'restored')), dry_run INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, error TEXT, restored_at TEXT, restore_result TEXT );
-- table merge_steps
CREATE TABLE merge_steps ( run_id TEXT NOT NULL REFERENCES merge_runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, name TEXT NOT NULL, target TEXT, status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'retrying', 'done', 'failed')), attempts INTEGER NOT NULL DEFAULT 0, started_at TEXT, finished_at TEXT, request TEXT, response TEXT, error TEXT, PRIMARY KEY (run_id, seq) ) WITHOUT ROWID;
-- table orders
CREATE TABLE orders ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, crm_id TEXT NOT NULL, contact_crm_id TEXT, title TEXT, status TEXT, total REAL, order_date TEXT, raw TEXT NOT NULL, synced_at TEXT NOT NULL, UNIQUE (connection_id, crm_id) );
-- table restore_steps
CREATE TABLE restore_steps ( run_id TEXT NOT NULL REFERENCES merge_runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, name TEXT NOT NULL, target TEXT, status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')), attempts INTEGER NOT NULL DEFAULT 0, started_at TEXT, finished_at TEXT, request TEXT, response TEXT, error TEXT, PRIMARY KEY (run_id, seq) ) WITHOUT ROWID;
-- table settings
CREATE TABLE settings ( key TEXT PRIMARY KEY, value TEXT NOT NULL );
-- table snapshots
CREATE TABLE snapshots ( id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES merge_runs(id) ON DELETE CASCADE, kind TEXT NOT NULL, ref TEXT NOT NULL, data TEXT NOT NULL, taken_at TEXT NOT NULL, UNIQUE (run_id, kind, ref) );
-- table sqlite_sequence
CREATE TABLE sqlite_sequence(name,seq);
-- table sqlite_stat1
CREATE TABLE sqlite_stat1(tbl,idx,stat);
-- table sqlite_stat4
CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample);
-- table subscriptions
CREATE TABLE subscriptions ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, crm_id TEXT NOT NULL, contact_crm_id TEXT, title TEXT, status TEXT, active INTEGER NOT NULL DEFAULT 0, next_bill_date TEXT, raw TEXT NOT NULL, synced_at TEXT NOT NULL, UNIQUE (connection_id, crm_id) );
-- table sync_runs
CREATE TABLE sync_runs ( id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')), status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')), started_at TEXT NOT NULL, finished_at TEXT, stats TEXT NOT NULL DEFAULT '{}', error TEXT );
-- table sync_state
CREATE TABLE sync_state ( connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, resource TEXT NOT NULL, phase TEXT NOT NULL DEFAULT 'idle', cursor TEXT, high_water TEXT, run_started_at TEXT, stats TEXT NOT NULL DEFAULT '{}', updated_at TEXT NOT NULL, PRIMARY KEY (connection_id, resource) );
-- table tags
CREATE TABLE tags ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, crm_id TEXT NOT NULL, name TEXT NOT NULL, category TEXT, UNIQUE (connection_id, crm_id) );
-- table wp_orders
CREATE TABLE wp_orders ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, wp_order_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('order', 'subscription')), contact_id TEXT, title TEXT, status TEXT, raw TEXT NOT NULL, synced_at TEXT NOT NULL, UNIQUE (connection_id, kind, wp_order_id) );
-- table wp_users
CREATE TABLE wp_users ( pk INTEGER PRIMARY KEY, connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE, wp_id INTEGER NOT NULL, login TEXT NOT NULL, email TEXT, display_name TEXT, registered_at TEXT, last_login_at TEXT, linked_contact_id TEXT, aa_tags TEXT NOT NULL DEFAULT '[]', progress TEXT NOT NULL DEFAULT '{}', raw TEXT NOT NULL, synced_at TEXT NOT NULL, UNIQUE (connection_id, wp_id) );
-- trigger audit_log_no_delete
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger audit_log_no_update
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger contacts_fts_ad
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN INSERT INTO contacts_fts (contacts_fts, rowid, search_text) VALUES ('delete', old.pk, old.search_text); END;
