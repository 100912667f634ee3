import type { ComponentType } from 'react';
import type { ContactDetail } from '../../../../app/api/contract';
import { LinkedWordPressUsers } from '../wordpress/LinkedWordPressUsers';

function WordPressUsersPanel(props: { readonly contact: ContactDetail }) {
  // The CRM connection stands for its paired site: the panel resolves which WordPress connection that is.
  return <LinkedWordPressUsers connectionId={props.contact.connectionId} contactId={props.contact.crmId} />;
}

/**
 * Extra panels shown in a contact's detail, below the CRM data. Other features add theirs to this list (the
 * WordPress users linked to the contact, for one); each receives the contact as loaded from the cache.
 */
export interface ContactDetailPanel {
  readonly id: string;
  readonly component: ComponentType<{ readonly contact: ContactDetail }>;
}

export const CONTACT_DETAIL_PANELS: readonly ContactDetailPanel[] = [
  { id: 'wordpress-users', component: WordPressUsersPanel },
];

export function ContactDetailPanels(props: { readonly contact: ContactDetail }) {
  return (
    <div className="contact-panels" data-slot="contact-detail-panels">
      {CONTACT_DETAIL_PANELS.map((p) => (
        <p.component key={p.id} contact={props.contact} />
      ))}
    </div>
  );
}
