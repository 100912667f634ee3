<?php
/**
 * Plugin Name:       Mergedesk Bridge
 * Description:       Lets the Mergedesk desktop app see and fix the link between WordPress users and CRM contacts (AccessAlly or a user-meta key), and re-key AccessAlly orders when duplicate contacts are merged.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Author:            Mergedesk
 * License:           MIT
 * Text Domain:       mergedesk-bridge
 */

if (!defined('ABSPATH')) {
    exit;
}

define('MERGEDESK_BRIDGE_VERSION', '1.0.0');
define('MERGEDESK_BRIDGE_DIR', __DIR__);

require_once __DIR__ . '/includes/class-link-store.php';
require_once __DIR__ . '/includes/class-orders-adapter.php';
require_once __DIR__ . '/includes/class-members.php';
require_once __DIR__ . '/includes/class-rest-controller.php';
require_once __DIR__ . '/includes/class-activity.php';

Mergedesk_Bridge_Activity::register();

add_action('rest_api_init', static function (): void {
    (new Mergedesk_Bridge_Rest_Controller())->register_routes();
});
