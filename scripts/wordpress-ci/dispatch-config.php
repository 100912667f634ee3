<?php
// /etc/wordpress/config-127.0.0.1.php for Mergedesk's CI sites: picks the instance by port, so several can run.
$mergedesk_ci_port = (int) (explode(':', $_SERVER['HTTP_HOST'] ?? '')[1] ?? 0);
$mergedesk_ci_file = "/etc/wordpress/mergedesk-ci/port-$mergedesk_ci_port.php";
if (!is_file($mergedesk_ci_file)) {
    header('HTTP/1.1 404 Not Found');
    exit("No Mergedesk CI WordPress on port $mergedesk_ci_port.\n");
}
require $mergedesk_ci_file;
