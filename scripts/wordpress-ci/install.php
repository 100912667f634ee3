<?php
// php install.php PORT SEED_JSON OUT_JSON
// Installs the site, activates the Mergedesk Bridge plugin, seeds members (linked through the AccessAlly stand-in),
// tags and orders from the seed, creates Application Passwords, and writes the connection details for the tests.
[, $port, $seed_file, $out] = $argv;
require __DIR__ . '/bootstrap.php';
function wp_new_blog_notification($title, $url, $uid, $pw) {} // pluggable; CI has no MTA
mergedesk_ci_load((int) $port, true);
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$fail = static function (string $message): void {
    fwrite(STDERR, "wordpress-ci install: $message\n");
    exit(1);
};
if (!is_blog_installed()) {
    wp_install('Mergedesk CI', 'admin', 'admin@example.test', false, '', wp_generate_password(20));
}
update_option('permalink_structure', '/%postname%/');
delete_option('rewrite_rules');
$activated = activate_plugin('mergedesk-bridge/mergedesk-bridge.php');
if (is_wp_error($activated)) {
    $fail($activated->get_error_message());
}

$seed = json_decode((string) file_get_contents($seed_file), true, 64, JSON_THROW_ON_ERROR);
global $wpdb;
$wpdb->query('START TRANSACTION');
$contact_tags = [];
$all_tags = [];
foreach ($seed['members'] as $m) {
    $id = wp_insert_user([
        'user_login' => $m['login'],
        'user_email' => $m['email'],
        'display_name' => $m['displayName'],
        // One member gets a known password so a test can log in through wp-login.php (last-login tracking).
        'user_pass' => $m['login'] === 'nolink' ? 'mdci-login-pass' : wp_generate_password(16),
        'role' => 'subscriber',
        'user_registered' => gmdate('Y-m-d H:i:s', strtotime($m['registeredAt'])),
    ]);
    if (is_wp_error($id)) {
        $wpdb->query('ROLLBACK');
        $fail($m['login'] . ': ' . $id->get_error_message());
    }
    if ($m['linkedContactId'] !== null) {
        update_user_meta($id, 'mdci_aa_contact_id', $m['linkedContactId']);
        foreach ($m['accessTags'] as $t) {
            $contact_tags[$m['linkedContactId']][$t['id']] = $t['id'];
        }
    }
    foreach ($m['accessTags'] as $t) {
        $all_tags[$t['id']] = ['Id' => $t['id'], 'TagName' => $t['name']];
    }
    if ($m['lastLoginAt'] !== null) {
        update_user_meta($id, 'mergedesk_last_login', gmdate('Y-m-d\TH:i:s\Z', strtotime($m['lastLoginAt'])));
    }
    update_user_meta($id, 'mdci_progress', wp_json_encode((object) $m['progress']));
}
$sub = wp_insert_user(['user_login' => 'no-access', 'user_email' => 'no-access@example.test',
    'user_pass' => wp_generate_password(16), 'role' => 'subscriber']);
if (is_wp_error($sub)) {
    $wpdb->query('ROLLBACK');
    $fail($sub->get_error_message());
}
update_option('mdci_contact_tags', array_map('array_values', $contact_tags));
update_option('mdci_all_tags', array_values($all_tags));
update_option('mdci_orders', array_map(static fn ($o) => [
    'id' => $o['id'], 'kind' => $o['kind'], 'contact_id' => $o['contactId'], 'title' => $o['title'], 'status' => $o['status'],
], $seed['orders']));
$wpdb->query('COMMIT');

$admin = get_user_by('login', 'admin');
if (!wp_is_application_passwords_available_for_user($admin)) {
    $fail('Application Passwords are not available (WP_ENVIRONMENT_TYPE must be local over http).');
}
[$admin_pw] = WP_Application_Passwords::create_new_application_password($admin->ID, ['name' => 'mergedesk-ci']);
[$sub_pw] = WP_Application_Passwords::create_new_application_password($sub, ['name' => 'mergedesk-ci']);
file_put_contents($out, json_encode([
    'url' => "http://127.0.0.1:$port",
    'username' => 'admin',
    'appPassword' => $admin_pw,
    'subscriber' => ['username' => 'no-access', 'appPassword' => $sub_pw],
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
