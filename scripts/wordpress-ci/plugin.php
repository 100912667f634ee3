<?php
// php plugin.php PORT on|off — activates or deactivates the Mergedesk Bridge plugin (plugin-missing tests).
[, $port, $mode] = $argv;
require __DIR__ . '/bootstrap.php';
mergedesk_ci_load((int) $port);
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$file = 'mergedesk-bridge/mergedesk-bridge.php';
if ($mode === 'off') {
    deactivate_plugins($file, true);
    exit(is_plugin_active($file) ? 1 : 0);
}
$result = activate_plugin($file);
if (is_wp_error($result)) {
    fwrite(STDERR, $result->get_error_message() . "\n");
    exit(1);
}
