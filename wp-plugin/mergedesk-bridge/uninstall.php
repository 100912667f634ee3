<?php
// Removes what the Mergedesk Bridge itself stored. Contact links are left alone: they belong to AccessAlly or to
// the site's CRM integration, not to this plugin.
if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}
delete_option('mergedesk_bridge_contact_meta_key');
delete_metadata('user', 0, 'mergedesk_last_login', '', true);
delete_metadata('user', 0, 'mergedesk_touched_at', '', true);
