<?php
// php accessally.php PORT on|off — switches the test-only AccessAlly stand-in mu-plugin (off: user-meta branch).
[, $port, $mode] = $argv;
require __DIR__ . '/bootstrap.php';
mergedesk_ci_load((int) $port);
update_option('mdci_accessally_off', $mode === 'off' ? 1 : 0);
