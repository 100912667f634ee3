<?php
if (!defined('ABSPATH')) {
    exit;
}

/**
 * Where a user's CRM contact id lives. AccessAlly's own PHP API when AccessAlly is active (its storage is private),
 * otherwise a user-meta key following WP Fusion's `<crm>_contact_id` convention.
 */
abstract class Mergedesk_Bridge_Link_Store
{
    private static ?Mergedesk_Bridge_Link_Store $current = null;

    public static function current(): Mergedesk_Bridge_Link_Store
    {
        if (self::$current === null) {
            $use_accessally = Mergedesk_Bridge_AccessAlly_Link_Store::available();
            /** Force 'usermeta' (or 'accessally') regardless of what is detected. */
            $forced = apply_filters('mergedesk_bridge_link_source', $use_accessally ? 'accessally' : 'usermeta');
            self::$current = ($forced === 'accessally' && $use_accessally)
                ? new Mergedesk_Bridge_AccessAlly_Link_Store()
                : new Mergedesk_Bridge_Meta_Link_Store(Mergedesk_Bridge_Meta_Link_Store::configured_key());
        }
        return self::$current;
    }

    /** For tests and option changes within one request. */
    public static function reset(): void
    {
        self::$current = null;
    }

    abstract public function source(): string;

    abstract public function get_contact_id(int $user_id): ?string;

    abstract public function set_contact_id(int $user_id, string $contact_id): void;

    /** @return list<array{id:string,name:string}> */
    abstract public function tags(int $user_id, ?string $contact_id): array;

    /**
     * Ask the membership plugin to refresh the user's tags from the CRM.
     * @return list<array{id:string,name:string}>|WP_Error the tags afterwards
     */
    abstract public function resync(int $user_id, string $contact_id);

    /** @return list<string> meta keys whose change means "this user's link or tags changed" */
    public function watched_meta_keys(): array
    {
        return [];
    }

    /** @return list<int> */
    public function find_user_ids(string $contact_id): array
    {
        // Generic path: the link may not be a queryable meta value, so look at every user in batches.
        $found = [];
        $page = 1;
        do {
            $ids = array_map('intval', get_users(['fields' => 'ID', 'number' => 500, 'paged' => $page, 'orderby' => 'ID', 'order' => 'ASC']));
            // One query for the batch's meta instead of one per user when the link is read from user meta.
            update_meta_cache('user', $ids);
            foreach ($ids as $id) {
                if ($this->get_contact_id((int) $id) === $contact_id) {
                    $found[] = (int) $id;
                }
            }
            $page++;
        } while (count($ids) === 500);
        return $found;
    }

    /** @param mixed $value */
    protected static function normalise_id($value): ?string
    {
        if (is_int($value) || (is_string($value) && $value !== '')) {
            $s = trim((string) $value);
            return ($s === '' || $s === '0') ? null : $s;
        }
        return null;
    }

    /**
     * Tags arrive as ids, as `{Id, TagName}` arrays/objects or as `{id, name}`; names come from $names when missing.
     * @param mixed $raw
     * @param array<string,string> $names
     * @return list<array{id:string,name:string}>
     */
    protected static function normalise_tags($raw, array $names = []): array
    {
        if (!is_array($raw)) {
            return [];
        }
        if (isset($raw['ids']) && is_array($raw['ids'])) {
            $raw = $raw['ids'];
        }
        $out = [];
        foreach ($raw as $key => $item) {
            $id = null;
            $name = null;
            if (is_scalar($item) && !is_bool($item)) {
                $id = (string) $item;
            } elseif (is_array($item) || is_object($item)) {
                $item = (array) $item;
                $id = isset($item['Id']) ? (string) $item['Id'] : (isset($item['id']) ? (string) $item['id'] : (is_string($key) ? $key : null));
                $name = $item['TagName'] ?? $item['name'] ?? null;
            }
            if ($id === null || $id === '') {
                continue;
            }
            $out[$id] = ['id' => $id, 'name' => is_string($name) && $name !== '' ? $name : ($names[$id] ?? $id)];
        }
        return array_values($out);
    }
}

final class Mergedesk_Bridge_AccessAlly_Link_Store extends Mergedesk_Bridge_Link_Store
{
    /** @var array<string,string>|null */
    private ?array $tag_names = null;

    public static function available(): bool
    {
        return class_exists('AccessAllyUserPermission')
            && method_exists('AccessAllyUserPermission', 'get_user_contact_id')
            && method_exists('AccessAllyUserPermission', 'set_user_contact_id');
    }

    public static function version(): ?string
    {
        if (class_exists('AccessAlly') && defined('AccessAlly::VERSION')) {
            return (string) constant('AccessAlly::VERSION');
        }
        return null;
    }

    public function source(): string
    {
        return 'accessally';
    }

    public function get_contact_id(int $user_id): ?string
    {
        return self::normalise_id(AccessAllyUserPermission::get_user_contact_id($user_id));
    }

    public function set_contact_id(int $user_id, string $contact_id): void
    {
        AccessAllyUserPermission::set_user_contact_id($user_id, $contact_id);
        Mergedesk_Bridge_Activity::touch($user_id);
    }

    public function tags(int $user_id, ?string $contact_id): array
    {
        $tags = [];
        if ($contact_id !== null && class_exists('AccessAllyMembershipUtilities')
            && method_exists('AccessAllyMembershipUtilities', 'get_contact_tags')) {
            $tags = self::normalise_tags(AccessAllyMembershipUtilities::get_contact_tags($contact_id), $this->tag_names());
        }
        /** Sites that know where AccessAlly keeps local tags (wp_aal_user_tags) may supply them instead. */
        return apply_filters('mergedesk_bridge_user_tags', $tags, $user_id, $contact_id);
    }

    public function resync(int $user_id, string $contact_id)
    {
        $tags = $this->tags($user_id, $contact_id);
        if (class_exists('AccessAllyUserTags') && method_exists('AccessAllyUserTags', 'sync_user_tag_list')) {
            $system = '';
            if (class_exists('AccessAllySettingSetup') && method_exists('AccessAllySettingSetup', 'get_api_settings')) {
                $settings = AccessAllySettingSetup::get_api_settings();
                $system = is_array($settings) && isset($settings['system']) ? (string) $settings['system'] : '';
            }
            AccessAllyUserTags::sync_user_tag_list($contact_id, array_column($tags, 'id'), $system);
        }
        do_action('mergedesk_bridge_resync_user', $user_id, $contact_id, $tags);
        Mergedesk_Bridge_Activity::touch($user_id);
        return $this->tags($user_id, $contact_id);
    }

    /** @return array<string,string> */
    private function tag_names(): array
    {
        if ($this->tag_names === null) {
            $this->tag_names = [];
            if (class_exists('AccessAllyMembershipUtilities') && method_exists('AccessAllyMembershipUtilities', 'get_all_tags')) {
                $all = AccessAllyMembershipUtilities::get_all_tags();
                foreach (is_array($all) ? $all : [] as $tag) {
                    $tag = (array) $tag;
                    if (isset($tag['Id'])) {
                        $this->tag_names[(string) $tag['Id']] = (string) ($tag['TagName'] ?? $tag['Id']);
                    }
                }
            }
        }
        return $this->tag_names;
    }
}

final class Mergedesk_Bridge_Meta_Link_Store extends Mergedesk_Bridge_Link_Store
{
    public const OPTION = 'mergedesk_bridge_contact_meta_key';

    public function __construct(private string $meta_key)
    {
    }

    /** The option, else WP Fusion's CRM slug + `_contact_id`, else `keap_contact_id`; then the filter. */
    public static function configured_key(): string
    {
        $key = get_option(self::OPTION);
        if (!is_string($key) || $key === '') {
            $crm = self::wp_fusion_crm();
            $key = ($crm !== null ? $crm : 'keap') . '_contact_id';
        }
        $key = (string) apply_filters('mergedesk_bridge_contact_meta_key', $key);
        return sanitize_key($key) !== '' ? sanitize_key($key) : 'keap_contact_id';
    }

    private static function wp_fusion_crm(): ?string
    {
        $options = get_option('wpf_options');
        if (is_array($options) && !empty($options['crm']) && is_string($options['crm'])) {
            return sanitize_key($options['crm']);
        }
        return null;
    }

    public function meta_key(): string
    {
        return $this->meta_key;
    }

    public function tags_meta_key(): string
    {
        $base = preg_replace('/_contact_id$/', '', $this->meta_key);
        return (string) apply_filters('mergedesk_bridge_tags_meta_key', $base . '_tags');
    }

    public function source(): string
    {
        return 'usermeta:' . $this->meta_key;
    }

    public function watched_meta_keys(): array
    {
        return [$this->meta_key, $this->tags_meta_key()];
    }

    public function get_contact_id(int $user_id): ?string
    {
        return self::normalise_id(get_user_meta($user_id, $this->meta_key, true));
    }

    public function set_contact_id(int $user_id, string $contact_id): void
    {
        update_user_meta($user_id, $this->meta_key, $contact_id);
    }

    public function find_user_ids(string $contact_id): array
    {
        $ids = get_users([
            'fields' => 'ID',
            'orderby' => 'ID',
            'order' => 'ASC',
            'meta_key' => $this->meta_key,
            'meta_value' => $contact_id,
        ]);
        return array_map('intval', $ids);
    }

    public function tags(int $user_id, ?string $contact_id): array
    {
        $tags = self::normalise_tags(get_user_meta($user_id, $this->tags_meta_key(), true));
        return apply_filters('mergedesk_bridge_user_tags', $tags, $user_id, $contact_id);
    }

    public function resync(int $user_id, string $contact_id)
    {
        if (function_exists('wp_fusion')) {
            $wpf = wp_fusion();
            if (is_object($wpf) && isset($wpf->user) && is_object($wpf->user) && method_exists($wpf->user, 'get_tags')) {
                $wpf->user->get_tags($user_id, true);
            }
        }
        do_action('mergedesk_bridge_resync_user', $user_id, $contact_id, $this->tags($user_id, $contact_id));
        Mergedesk_Bridge_Activity::touch($user_id);
        return $this->tags($user_id, $contact_id);
    }
}
