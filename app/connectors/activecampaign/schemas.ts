import { z } from 'zod';

/**
 * ActiveCampaign API v3 response shapes, checked at the boundary. Ids and numbers arrive as JSON strings; a
 * number is accepted too and turned into a string, so an id compares the same whichever way it came.
 */
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const acContact = z
  .object({
    id,
    email: text,
    firstName: text,
    lastName: text,
    phone: text,
    orgname: text.optional(),
    cdate: text.optional(),
    udate: text.optional(),
  })
  .loose();
export type AcContact = z.output<typeof acContact>;

export const acMeta = z
  .object({ total: z.union([z.string(), z.number()]).transform(Number).optional() })
  .loose()
  .optional();

export const contactsPage = z.object({ contacts: z.array(z.unknown()), meta: acMeta }).loose();
export const contactOne = z
  .object({
    contact: z.unknown(),
    fieldValues: z.array(z.unknown()).optional(),
  })
  .loose();

export const acTag = z
  .object({ id, tag: z.string(), tagType: text.optional(), description: text.optional() })
  .loose();
export const tagsPage = z.object({ tags: z.array(acTag), meta: acMeta }).loose();

export const acContactTag = z.object({ id, contact: id, tag: id }).loose();
export const contactTagsList = z.object({ contactTags: z.array(acContactTag) }).loose();
export const contactTagOne = z.object({ contactTag: acContactTag }).loose();

export const acList = z.object({ id, name: z.string() }).loose();
export const listsPage = z.object({ lists: z.array(acList), meta: acMeta }).loose();

/** `status`: 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced (ActiveCampaign contactList status). */
export const acContactList = z.object({ id: id.optional(), contact: id, list: id, status: id }).loose();
export const contactListsList = z.object({ contactLists: z.array(acContactList) }).loose();

export const acAutomation = z
  .object({ id, name: z.string(), status: id.optional(), hidden: id.optional() })
  .loose();
export const automationsPage = z.object({ automations: z.array(acAutomation), meta: acMeta }).loose();

/** `status`: 1 active (still running), 2 completed. */
export const acContactAutomation = z
  .object({ id, contact: id, automation: id, status: id.optional() })
  .loose();
export const contactAutomationsList = z.object({ contactAutomations: z.array(acContactAutomation) }).loose();

export const acField = z
  .object({ id, title: z.string(), perstag: text.optional(), type: text.optional() })
  .loose();
export const fieldsPage = z.object({ fields: z.array(acField), meta: acMeta }).loose();

export const acFieldValue = z.object({ id: id.optional(), contact: id, field: id, value: text }).loose();
export const fieldValuesList = z.object({ fieldValues: z.array(acFieldValue) }).loose();

export const acUser = z
  .object({
    user: z
      .object({ username: text, email: text, firstName: text.optional(), lastName: text.optional() })
      .loose(),
  })
  .loose();

/** The documented error bodies: `{"errors":[{title, detail, code, source}]}` or `{"message": "…"}`. */
export const acError = z.union([
  z
    .object({
      errors: z.array(
        z
          .object({
            title: z.string().optional(),
            detail: z.string().optional(),
            code: z.string().optional(),
          })
          .loose(),
      ),
    })
    .loose(),
  z.object({ message: z.string() }).loose(),
]);
