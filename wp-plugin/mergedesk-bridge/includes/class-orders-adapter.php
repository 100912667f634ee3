<?php
if (!defined('ABSPATH')) {
    exit;
}

/**
 * Access to AccessAlly's orders and subscriptions, which are keyed by CRM contact id. AccessAlly does not document
 * its tables, so the storage sits behind this small interface; a site (or a future AccessAlly release) supplies an
 * implementation with the `mergedesk_bridge_orders_adapter` filter.
 */
interface Mergedesk_Bridge_Orders_Adapter
{
    public function name(): string;

    /**
     * @return list<array{id:string,kind:string,contact_id:?string,title:?string,status:?string}>
     */
    public function list_orders(?string $contact_id): array;

    /**
     * Re-key every order and subscription of $from to $to; orders already on $to are left alone.
     * @return list<array{id:string,kind:string,contact_id:?string,title:?string,status:?string}>|WP_Error the moved items
     */
    public function rekey(string $from, string $to);
}

/** Used when no adapter is configured: nothing to list, and re-keying says why it cannot run. */
final class Mergedesk_Bridge_No_Orders_Adapter implements Mergedesk_Bridge_Orders_Adapter
{
    public function name(): string
    {
        return 'none';
    }

    public function list_orders(?string $contact_id): array
    {
        return [];
    }

    public function rekey(string $from, string $to)
    {
        if (!Mergedesk_Bridge_AccessAlly_Link_Store::available()) {
            return []; // No AccessAlly: there are no AccessAlly orders to move.
        }
        return new WP_Error(
            'mergedesk_orders_unavailable',
            'AccessAlly is active but no orders adapter is configured, so orders cannot be re-keyed from here. ' .
            'Use AccessAlly\'s "Order Contact ID Updater" (AccessAlly Order Update), or add a ' .
            'mergedesk_bridge_orders_adapter filter.',
            ['status' => 501]
        );
    }
}

function mergedesk_bridge_orders_adapter(): Mergedesk_Bridge_Orders_Adapter
{
    $adapter = apply_filters('mergedesk_bridge_orders_adapter', null);
    return $adapter instanceof Mergedesk_Bridge_Orders_Adapter ? $adapter : new Mergedesk_Bridge_No_Orders_Adapter();
}
