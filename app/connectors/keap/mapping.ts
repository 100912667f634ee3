import type {
  ContactPatch,
  CrmAddress,
  CrmContact,
  CrmEmail,
  CrmOrder,
  CrmPhone,
  CrmSequence,
  CrmSubscription,
  CrmTag,
} from '../../ports/crm';

/** Every contact property the cache and the merge review need; Keap v2 returns only what `fields` names. */
export const CONTACT_FIELDS = [
  'id',
  'given_name',
  'middle_name',
  'family_name',
  'prefix',
  'suffix',
  'preferred_name',
  'company',
  'job_title',
  'birth_date',
  'anniversary_date',
  'email_addresses',
  'phone_numbers',
  'fax_numbers',
  'addresses',
  'tag_ids',
  'custom_fields',
  'create_time',
  'update_time',
  'contact_type',
  'owner_id',
  'source_type',
  'leadsource_id',
  'website',
  'time_zone',
  'spouse_name',
  'preferred_locale',
  'social_accounts',
] as const;

export class MalformedRecordError extends Error {
  constructor(
    readonly recordId: string | null,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

/** Keap v2 Contact → CrmContact. Tolerant of missing parts; refuses a record without an id. */
export function toCrmContact(input: unknown): CrmContact {
  if (!isObject(input)) throw new MalformedRecordError(null, 'contact is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'contact has no id');
  const emails: CrmEmail[] = arrayOf(input.email_addresses).flatMap((e, i) => {
    const email = str(e.email);
    if (!email) return [];
    return [
      {
        slot: str(e.field) ?? `EMAIL${i + 1}`,
        email,
        optIn: typeof e.is_opt_in === 'boolean' ? e.is_opt_in : null,
        status: str(e.email_opt_status),
      },
    ];
  });
  const phones: CrmPhone[] = arrayOf(input.phone_numbers).flatMap((p, i) => {
    const number = str(p.number);
    if (!number) return [];
    return [
      {
        slot: str(p.field) ?? `PHONE${i + 1}`,
        number,
        extension: str(p.extension),
        type: str(p.type),
        e164: str(p.number_e164),
      },
    ];
  });
  const addresses: CrmAddress[] = arrayOf(input.addresses).map((a, i) => {
    const zip = str(a.postal_code) ?? str(a.zip_code);
    const four = str(a.zip_four);
    return {
      slot: str(a.field) ?? `ADDRESS${i + 1}`,
      line1: str(a.line1),
      line2: str(a.line2),
      locality: str(a.locality),
      region: str(a.region) ?? str(a.region_code),
      postalCode: zip && four ? `${zip}-${four}` : zip,
      countryCode: str(a.country_code) ?? str(a.country),
    };
  });
  const company = input.company;
  return {
    id,
    givenName: str(input.given_name),
    middleName: str(input.middle_name),
    familyName: str(input.family_name),
    prefix: str(input.prefix),
    suffix: str(input.suffix),
    company: isObject(company) ? str(company.company_name) : str(company),
    jobTitle: str(input.job_title),
    birthday: str(input.birth_date),
    emails,
    phones,
    addresses,
    tagIds: Array.isArray(input.tag_ids)
      ? input.tag_ids.map(idOf).filter((t): t is string => t !== null)
      : [],
    createdAt: str(input.create_time),
    updatedAt: str(input.update_time),
    raw: input,
  };
}

/** A patch → Keap's PATCH body and `update_mask`, so fields we do not name stay untouched. */
export function toKeapPatch(patch: ContactPatch): { body: Json; updateMask: string[] } {
  const body: Json = {};
  const set = (key: string, value: unknown) => {
    body[key] = value;
  };
  if (patch.givenName !== undefined) set('given_name', patch.givenName);
  if (patch.middleName !== undefined) set('middle_name', patch.middleName);
  if (patch.familyName !== undefined) set('family_name', patch.familyName);
  if (patch.prefix !== undefined) set('prefix', patch.prefix);
  if (patch.suffix !== undefined) set('suffix', patch.suffix);
  if (patch.jobTitle !== undefined) set('job_title', patch.jobTitle);
  if (patch.birthday !== undefined) set('birth_date', patch.birthday);
  if (patch.company !== undefined)
    set('company', patch.company === null ? null : { company_name: patch.company });
  if (patch.emails !== undefined) {
    set(
      'email_addresses',
      patch.emails.map((e) => ({
        email: e.email,
        field: e.slot,
        ...(e.optIn !== undefined && e.optIn !== null ? { is_opt_in: e.optIn } : {}),
      })),
    );
  }
  if (patch.phones !== undefined) {
    set(
      'phone_numbers',
      patch.phones.map((p) => ({
        number: p.number,
        field: p.slot,
        ...(p.extension ? { extension: p.extension } : {}),
        ...(p.type ? { type: p.type } : {}),
      })),
    );
  }
  if (patch.addresses !== undefined) {
    set(
      'addresses',
      patch.addresses.map((a) => ({
        field: a.slot,
        ...(a.line1 ? { line1: a.line1 } : {}),
        ...(a.line2 ? { line2: a.line2 } : {}),
        ...(a.locality ? { locality: a.locality } : {}),
        ...(a.region ? { region: a.region } : {}),
        ...(a.postalCode ? { postal_code: a.postalCode } : {}),
        ...(a.countryCode ? { country_code: a.countryCode } : {}),
      })),
    );
  }
  return { body, updateMask: Object.keys(body) };
}

export function toCrmTag(input: unknown, categoryNames: ReadonlyMap<string, string>): CrmTag {
  if (!isObject(input)) throw new MalformedRecordError(null, 'tag is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'tag has no id');
  const cat = input.category;
  const catId = isObject(cat) ? idOf(cat.id) : null;
  const category = isObject(cat)
    ? (str(cat.name) ?? (catId ? (categoryNames.get(catId) ?? catId) : null))
    : str(cat);
  return { id, name: str(input.name) ?? `Tag ${id}`, category };
}

/** Keap flow items that send an email to the contact (the `Item.type` enum of REST v2). */
const EMAIL_ITEM_TYPES = new Set([
  'Email',
  'BardEmail',
  'UnlayerEmail',
  'EmailConfirm',
  'UnlayerEmailConfirm',
]);

export function toCrmCampaign(input: unknown): { readonly id: string; readonly name: string } {
  if (!isObject(input)) throw new MalformedRecordError(null, 'campaign is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'campaign has no id');
  return { id, name: str(input.name) ?? `Campaign ${id}` };
}

/**
 * One published sequence of a campaign. Whether it sends email is read from its paths' items when Keap lists
 * them; a sequence listed without paths says nothing, so it "may" send.
 */
export function toCrmSequence(input: unknown, campaign: { id: string; name: string }): CrmSequence {
  if (!isObject(input)) throw new MalformedRecordError(null, 'sequence is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'sequence has no id');
  const paths = Array.isArray(input.paths) ? arrayOf(input.paths) : null;
  const types = paths?.flatMap((p) => arrayOf(p.items).map((i) => str(i.type))) ?? [];
  return {
    campaignId: campaign.id,
    campaignName: campaign.name,
    sequenceId: id,
    name: str(input.name) ?? `Sequence ${id}`,
    sendsEmail:
      paths === null || types.length === 0 ? null : types.some((t) => t !== null && EMAIL_ITEM_TYPES.has(t)),
  };
}

export function toCrmOrder(input: unknown): CrmOrder {
  if (!isObject(input)) throw new MalformedRecordError(null, 'order is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'order has no id');
  const contact = input.contact;
  const total = input.total;
  const amount = isObject(total) ? total.amount : total;
  return {
    id,
    contactId: isObject(contact) ? idOf(contact.id) : idOf(input.contact_id),
    title: str(input.title),
    status: str(input.status),
    // Keap v2 sends amounts in the smallest currency unit.
    total: typeof amount === 'number' ? (isObject(total) ? amount / 100 : amount) : null,
    orderDate: str(input.creation_time) ?? str(input.order_time),
    raw: input,
  };
}

export function toCrmSubscription(input: unknown): CrmSubscription {
  if (!isObject(input)) throw new MalformedRecordError(null, 'subscription is not an object');
  const id = idOf(input.id);
  if (!id) throw new MalformedRecordError(null, 'subscription has no id');
  const active = input.active === true;
  const plan = idOf(input.subscription_plan_id);
  const product = idOf(input.product_id);
  return {
    id,
    contactId: idOf(input.contact_id),
    title: str(input.title) ?? (product ? `Product ${product}${plan ? ` · plan ${plan}` : ''}` : null),
    status: str(input.status) ?? (active ? 'ACTIVE' : 'INACTIVE'),
    active,
    nextBillDate: str(input.next_bill_date),
    raw: input,
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOf(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.length ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
