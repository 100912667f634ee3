<?php
// Loads WordPress from the CLI for the CI site on the given port (php -S is not involved).
function mergedesk_ci_load(int $port, bool $installing = false): void
{
    $_SERVER['HTTP_HOST'] = "127.0.0.1:$port";
    $_SERVER['REQUEST_URI'] = '/';
    $_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
    if ($installing) {
        define('WP_INSTALLING', true);
    }
    require '/usr/share/wordpress/wp-load.php';
}
