<?php
/** Test-only orders adapter over the option `mdci_orders`, standing in for AccessAlly's order tables. */
final class Mergedesk_Ci_Orders_Adapter implements Mergedesk_Bridge_Orders_Adapter
{
    public function name(): string
    {
        return 'mergedesk-ci';
    }

    public function list_orders(?string $contact_id): array
    {
        $orders = get_option('mdci_orders', []);
        return array_values(array_filter($orders, static fn ($o) => $contact_id === null || $o['contact_id'] === $contact_id));
    }

    public function rekey(string $from, string $to)
    {
        $orders = get_option('mdci_orders', []);
        $moved = [];
        foreach ($orders as $i => $o) {
            if ($o['contact_id'] === $from) {
                $orders[$i]['contact_id'] = $to;
                $moved[] = $orders[$i];
            }
        }
        if ($moved) {
            update_option('mdci_orders', $orders, false);
        }
        return $moved;
    }
}
