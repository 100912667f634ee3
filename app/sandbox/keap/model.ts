import type { WordPressSeed } from '../types';

/** A contact as Keap REST v2 sends it (the sandbox stores the wire shape so projection is a plain pick). */
export interface KeapContactRecord {
  id: string;
  given_name?: string;
  middle_name?: string;
  family_name?: string;
  prefix?: string;
  suffix?: string;
  preferred_name?: string;
  company?: { id: string; company_name: string };
  job_title?: string;
  birth_date?: string;
  contact_type?: string;
  source_type?: string;
  owner_id?: string;
  website?: string;
  time_zone?: string;
  email_addresses: KeapEmail[];
  phone_numbers: KeapPhone[];
  addresses: KeapAddress[];
  custom_fields: { id: string; content: unknown }[];
  create_time: string;
  update_time: string;
}

export interface KeapEmail {
  email: string;
  field: 'EMAIL1' | 'EMAIL2' | 'EMAIL3';
  is_opt_in?: boolean;
  email_opt_status?: string;
}

export interface KeapPhone {
  number: string;
  extension?: string;
  type?: string;
  field: string;
  number_e164?: string;
}

export interface KeapAddress {
  field: 'BILLING' | 'SHIPPING' | 'OTHER';
  line1?: string;
  line2?: string;
  locality?: string;
  region?: string;
  region_code?: string;
  postal_code?: string;
  country_code?: string;
}

export interface KeapTagRecord {
  id: string;
  name: string;
  description?: string;
  category?: { id: string };
  create_time: string;
  update_time: string;
}

export interface KeapTagCategoryRecord {
  id: string;
  name: string;
  description?: string;
}

export interface KeapOrderRecord {
  id: string;
  contact_id: string;
  title: string;
  status: 'DRAFT' | 'SENT' | 'VIEWED' | 'PAID';
  total: { amount: number; currency_code: string; formatted_amount: string };
  order_type: 'ONLINE' | 'OFFLINE';
  source_type: string;
  product_id: string;
  creation_time: string;
  modification_time: string;
}

export interface KeapSubscriptionRecord {
  id: string;
  contact_id: string;
  product_id: string;
  subscription_plan_id: string;
  active: boolean;
  quantity: number;
  billing_amount: number;
  billing_cycle: 'YEAR' | 'MONTH';
  billing_frequency: number;
  start_date: string;
  next_bill_date?: string;
  end_date?: string;
  reason_stopped?: string;
  modification_time: string;
}

/** Which sandbox contacts are the same person, and which only look alike; kept with the seed for measuring detection. */
export interface GroundTruth {
  /** Each cluster is one person with two or more contact records; `kinds` says how the records differ. */
  readonly clusters: readonly {
    readonly ids: readonly string[];
    readonly kinds: readonly string[];
    /** The record holding the purchases (the best survivor). */
    readonly buyerId: string;
  }[];
  /** Pairs that share strong evidence but are different people (Sr./Jr., a family sharing an email). */
  readonly lookalikes: readonly { readonly ids: readonly [string, string]; readonly kind: string }[];
}

export interface SandboxStateData {
  version: 1;
  seed: number;
  tenantId: string;
  appName: string;
  nextId: { contact: number; order: number; subscription: number; tag: number };
  contacts: Record<string, KeapContactRecord>;
  /** contact id → tag id → applied time. */
  contactTags: Record<string, Record<string, string>>;
  tags: Record<string, KeapTagRecord>;
  categories: Record<string, KeapTagCategoryRecord>;
  orders: Record<string, KeapOrderRecord>;
  subscriptions: Record<string, KeapSubscriptionRecord>;
  /** `campaignId/sequenceId` → contact ids. */
  sequences: Record<string, string[]>;
  truth: GroundTruth;
  wordpress: WordPressSeed;
}
