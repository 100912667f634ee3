import type { Migration } from './types';

/**
 * No query looks a contact up by its normalised email or its E.164 number: detection reads emails and phones by
 * contact, the review and the Contacts screen by contact, and search goes through `contacts_fts`. The two indexes
 * only cost the sync: their keys are random, so every 1,000-contact commit rewrote most of their pages.
 */
export const dropUnreadContactIndexes: Migration = {
  version: 5,
  name: 'drop-unread-contact-indexes',
  up: `
    DROP INDEX IF EXISTS contact_emails_norm;
    DROP INDEX IF EXISTS contact_phones_e164;
  `,
};
