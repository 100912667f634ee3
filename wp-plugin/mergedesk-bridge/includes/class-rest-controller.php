<?php
if (!defined('ABSPATH')) {
    exit;
}

/**
 * `/wp-json/mergedesk/v1/*`. Every route needs `manage_options` (Mergedesk calls with an administrator's
 * Application Password). Writes are idempotent so the desktop app can retry them after a lost response.
 */
final class Mergedesk_Bridge_Rest_Controller
{
    public const NS = 'mergedesk/v1';
    private const CONTACT_ID = '/^[A-Za-z0-9_-]{1,64}$/';

    public function register_routes(): void
    {
        $admin = [$this, 'can_manage'];
        $user_id = [
            'type' => 'integer',
            'required' => true,
            'minimum' => 1,
            'validate_callback' => [$this, 'validate_user_id'],
            'sanitize_callback' => 'absint',
        ];
        $contact = fn (bool $required, string $name) => [
            'type' => 'string',
            'required' => $required,
            'description' => "The CRM contact id ($name).",
            'validate_callback' => fn ($value) => $this->validate_contact_id($value, $name),
            'sanitize_callback' => fn ($value) => trim((string) $value),
        ];

        register_rest_route(self::NS, '/status', [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'status'],
            'permission_callback' => $admin,
        ]);
        register_rest_route(self::NS, '/members', [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'list_members'],
            'permission_callback' => $admin,
            'args' => [
                'page' => ['type' => 'integer', 'default' => 1, 'minimum' => 1, 'sanitize_callback' => 'absint',
                    'validate_callback' => 'rest_validate_request_arg'],
                'per_page' => ['type' => 'integer', 'default' => 10, 'minimum' => 1, 'maximum' => 100,
                    'sanitize_callback' => 'absint', 'validate_callback' => 'rest_validate_request_arg'],
                'modified_since' => [
                    'type' => 'string',
                    'required' => false,
                    'validate_callback' => fn ($value) => is_string($value) && strtotime($value) !== false
                        ? true
                        : new WP_Error('rest_invalid_param', 'modified_since must be an ISO 8601 date.', ['status' => 400]),
                    'sanitize_callback' => fn ($value) => gmdate('Y-m-d\TH:i:s\Z', (int) strtotime((string) $value)),
                ],
            ],
        ]);
        register_rest_route(self::NS, '/members/(?P<id>\d+)', [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'get_member'],
            'permission_callback' => $admin,
            'args' => ['id' => $user_id],
        ]);
        register_rest_route(self::NS, '/contacts/(?P<contact_id>[^/]+)/members', [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'members_for_contact'],
            'permission_callback' => $admin,
            'args' => ['contact_id' => $contact(true, 'contact_id')],
        ]);
        register_rest_route(self::NS, '/members/(?P<id>\d+)/contact', [
            'methods' => WP_REST_Server::CREATABLE,
            'callback' => [$this, 'relink'],
            'permission_callback' => $admin,
            'args' => ['id' => $user_id, 'contact_id' => $contact(true, 'contact_id')],
        ]);
        register_rest_route(self::NS, '/members/(?P<id>\d+)/resync', [
            'methods' => WP_REST_Server::CREATABLE,
            'callback' => [$this, 'resync'],
            'permission_callback' => $admin,
            'args' => ['id' => $user_id],
        ]);
        register_rest_route(self::NS, '/orders', [
            'methods' => WP_REST_Server::READABLE,
            'callback' => [$this, 'list_orders'],
            'permission_callback' => $admin,
            'args' => ['contact_id' => $contact(false, 'contact_id')],
        ]);
        register_rest_route(self::NS, '/orders/rekey', [
            'methods' => WP_REST_Server::CREATABLE,
            'callback' => [$this, 'rekey_orders'],
            'permission_callback' => $admin,
            'args' => [
                'from_contact_id' => $contact(true, 'from_contact_id'),
                'to_contact_id' => $contact(true, 'to_contact_id'),
            ],
        ]);
    }

    /** @return true|WP_Error */
    public function can_manage()
    {
        if (current_user_can('manage_options')) {
            return true;
        }
        return new WP_Error(
            'rest_forbidden',
            'Sorry, you are not allowed to do that. Mergedesk needs an administrator (manage_options).',
            ['status' => rest_authorization_required_code()]
        );
    }

    /** @param mixed $value */
    public function validate_user_id($value)
    {
        if (!is_numeric($value) || (int) $value < 1) {
            return new WP_Error('rest_invalid_param', 'id must be a positive WordPress user id.', ['status' => 400]);
        }
        return true;
    }

    /** @param mixed $value */
    private function validate_contact_id($value, string $name)
    {
        if ((!is_string($value) && !is_int($value)) || !preg_match(self::CONTACT_ID, trim((string) $value))) {
            return new WP_Error(
                'rest_invalid_param',
                sprintf('%s must be 1–64 letters, digits, _ or -.', $name),
                ['status' => 400]
            );
        }
        return true;
    }

    private function store(): Mergedesk_Bridge_Link_Store
    {
        return Mergedesk_Bridge_Link_Store::current();
    }

    private function members(): Mergedesk_Bridge_Members
    {
        return new Mergedesk_Bridge_Members($this->store());
    }

    public function status(WP_REST_Request $request): WP_REST_Response
    {
        return rest_ensure_response([
            'plugin_version' => MERGEDESK_BRIDGE_VERSION,
            'site_url' => home_url(),
            'wordpress_version' => get_bloginfo('version'),
            'accessally' => [
                'active' => Mergedesk_Bridge_AccessAlly_Link_Store::available(),
                'version' => Mergedesk_Bridge_AccessAlly_Link_Store::version(),
            ],
            'link_source' => $this->store()->source(),
            'orders_adapter' => mergedesk_bridge_orders_adapter()->name(),
        ]);
    }

    public function list_members(WP_REST_Request $request): WP_REST_Response
    {
        $per_page = (int) $request['per_page'];
        $args = [
            'number' => $per_page,
            'paged' => (int) $request['page'],
            'orderby' => 'ID',
            'order' => 'ASC',
            'count_total' => true,
        ];
        if (!empty($request['modified_since'])) {
            $args['meta_query'] = [[
                'key' => Mergedesk_Bridge_Activity::TOUCHED_META,
                'value' => (string) $request['modified_since'],
                'compare' => '>=',
                'type' => 'CHAR',
            ]];
        }
        $query = new WP_User_Query($args);
        $members = $this->members();
        $items = array_map([$members, 'present'], $query->get_results());
        $total = (int) $query->get_total();
        $response = rest_ensure_response($items);
        $response->header('X-WP-Total', (string) $total);
        $response->header('X-WP-TotalPages', (string) (int) ceil($total / max(1, $per_page)));
        return $response;
    }

    /** @return WP_REST_Response|WP_Error */
    public function get_member(WP_REST_Request $request)
    {
        $user = $this->user_or_error((int) $request['id']);
        return is_wp_error($user) ? $user : rest_ensure_response($this->members()->present($user));
    }

    public function members_for_contact(WP_REST_Request $request): WP_REST_Response
    {
        $members = $this->members();
        $out = [];
        foreach ($this->store()->find_user_ids((string) $request['contact_id']) as $id) {
            $user = get_userdata($id);
            if ($user instanceof WP_User) {
                $out[] = $members->present($user);
            }
        }
        return rest_ensure_response($out);
    }

    /** @return WP_REST_Response|WP_Error */
    public function relink(WP_REST_Request $request)
    {
        $user = $this->user_or_error((int) $request['id']);
        if (is_wp_error($user)) {
            return $user;
        }
        $store = $this->store();
        $after = (string) $request['contact_id'];
        $before = $store->get_contact_id($user->ID);
        if ($before !== $after) {
            $store->set_contact_id($user->ID, $after);
            $check = $store->get_contact_id($user->ID);
            if ($check !== $after) {
                return new WP_Error(
                    'mergedesk_relink_failed',
                    sprintf('The contact id of user %d did not change (still %s).', $user->ID, $check ?? 'empty'),
                    ['status' => 500]
                );
            }
            do_action('mergedesk_bridge_relinked', $user->ID, $before, $after);
        }
        return rest_ensure_response([
            'user_id' => (int) $user->ID,
            'before' => $before,
            'after' => $after,
            'changed' => $before !== $after,
        ]);
    }

    /** @return WP_REST_Response|WP_Error */
    public function resync(WP_REST_Request $request)
    {
        $user = $this->user_or_error((int) $request['id']);
        if (is_wp_error($user)) {
            return $user;
        }
        $contact_id = $this->store()->get_contact_id($user->ID);
        if ($contact_id === null) {
            return new WP_Error(
                'mergedesk_no_contact',
                sprintf('User %d is not linked to a contact, so there is nothing to resync.', $user->ID),
                ['status' => 409]
            );
        }
        $tags = $this->store()->resync($user->ID, $contact_id);
        if (is_wp_error($tags)) {
            return $tags;
        }
        return rest_ensure_response([
            'user_id' => (int) $user->ID,
            'contact_id' => $contact_id,
            'tags' => array_values($tags),
            'resynced' => true,
        ]);
    }

    public function list_orders(WP_REST_Request $request): WP_REST_Response
    {
        $contact_id = $request['contact_id'] !== null ? (string) $request['contact_id'] : null;
        return rest_ensure_response(array_values(mergedesk_bridge_orders_adapter()->list_orders($contact_id)));
    }

    /** @return WP_REST_Response|WP_Error */
    public function rekey_orders(WP_REST_Request $request)
    {
        $from = (string) $request['from_contact_id'];
        $to = (string) $request['to_contact_id'];
        if ($from === $to) {
            return new WP_Error(
                'mergedesk_same_contact',
                'from_contact_id and to_contact_id are the same contact.',
                ['status' => 400]
            );
        }
        $moved = mergedesk_bridge_orders_adapter()->rekey($from, $to);
        if (is_wp_error($moved)) {
            return $moved;
        }
        do_action('mergedesk_bridge_orders_rekeyed', $from, $to, $moved);
        return rest_ensure_response(['moved' => count($moved), 'orders' => array_values($moved)]);
    }

    /** @return WP_User|WP_Error */
    private function user_or_error(int $id)
    {
        $user = get_userdata($id);
        if (!$user instanceof WP_User) {
            return new WP_Error('mergedesk_member_not_found', sprintf('No WordPress user with id %d.', $id), ['status' => 404]);
        }
        return $user;
    }
}
