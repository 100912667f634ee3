<?php
/**
 * Test-only stand-in for AccessAlly's PHP API, so the Mergedesk Bridge's AccessAlly branch runs on a plain
 * WordPress in CI. Contact links live in user meta `mdci_aa_contact_id`, the CRM's contact tags in the option
 * `mdci_contact_tags`, AccessAlly orders in the option `mdci_orders`. Never install this on a real site.
 */

// `scripts/wordpress-ci.sh accessally off` sets this option so the bridge's plain user-meta branch can be tested.
if (get_option('mdci_accessally_off')) {
    return;
}

if (!class_exists('AccessAlly')) {
    class AccessAlly
    {
        public const VERSION = '4.0.0-ci';
    }
}

if (!class_exists('AccessAllyUserPermission')) {
    class AccessAllyUserPermission
    {
        public static function get_user_contact_id($user_id)
        {
            return get_user_meta((int) $user_id, 'mdci_aa_contact_id', true);
        }

        public static function set_user_contact_id($user_id, $contact_id)
        {
            update_user_meta((int) $user_id, 'mdci_aa_contact_id', (string) $contact_id);
            do_action('accessally_update_user', (int) $user_id, (string) $contact_id);
        }
    }
}

if (!class_exists('AccessAllyMembershipUtilities')) {
    class AccessAllyMembershipUtilities
    {
        public static function get_contact_tags($contact_id)
        {
            $all = get_option('mdci_contact_tags', []);
            return $all[(string) $contact_id] ?? [];
        }

        public static function get_all_tags()
        {
            return get_option('mdci_all_tags', []);
        }
    }
}

add_filter('mergedesk_bridge_progress_hints', static function ($hints, $user) {
    $stored = json_decode((string) get_user_meta($user->ID, 'mdci_progress', true), true);
    return is_array($stored) ? array_merge($hints, $stored) : $hints;
}, 10, 2);

add_filter('mergedesk_bridge_orders_adapter', static function ($adapter) {
    if (!interface_exists('Mergedesk_Bridge_Orders_Adapter')) {
        return $adapter;
    }
    require_once __DIR__ . '/mergedesk-ci/orders-adapter.php';
    return new Mergedesk_Ci_Orders_Adapter();
});
