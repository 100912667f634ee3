<?php
if (!defined('ABSPATH')) {
    exit;
}

/**
 * Records what the REST API cannot otherwise tell: when a user last logged in, and when anything about a user
 * changed (so Mergedesk can sync incrementally with `modified_since`).
 */
final class Mergedesk_Bridge_Activity
{
    public const LAST_LOGIN_META = 'mergedesk_last_login';
    public const TOUCHED_META = 'mergedesk_touched_at';

    public static function register(): void
    {
        add_action('wp_login', [self::class, 'on_login'], 10, 2);
        add_action('user_register', [self::class, 'touch']);
        add_action('profile_update', [self::class, 'touch']);
        add_action('set_user_role', [self::class, 'touch']);
        add_action('accessally_update_user', [self::class, 'touch'], 10, 1);
        add_action('added_user_meta', [self::class, 'on_meta_change'], 10, 3);
        add_action('updated_user_meta', [self::class, 'on_meta_change'], 10, 3);
        add_action('deleted_user_meta', [self::class, 'on_meta_change'], 10, 3);
    }

    public static function now(): string
    {
        return gmdate('Y-m-d\TH:i:s\Z');
    }

    /** @param string $login */
    public static function on_login($login, $user = null): void
    {
        if ($user instanceof WP_User) {
            update_user_meta($user->ID, self::LAST_LOGIN_META, self::now());
            self::touch($user->ID);
        }
    }

    /** @param int|string $user_id */
    public static function touch($user_id): void
    {
        $user_id = (int) $user_id;
        if ($user_id > 0) {
            update_user_meta($user_id, self::TOUCHED_META, self::now());
        }
    }

    /** @param mixed $meta_id */
    public static function on_meta_change($meta_id, $user_id, $meta_key): void
    {
        if ($meta_key === self::TOUCHED_META || $meta_key === self::LAST_LOGIN_META) {
            return;
        }
        $store = Mergedesk_Bridge_Link_Store::current();
        if (in_array($meta_key, $store->watched_meta_keys(), true)) {
            self::touch($user_id);
        }
    }
}
