<?php
if (!defined('ABSPATH')) {
    exit;
}

/** Turns WordPress users into the member JSON Mergedesk reads. */
final class Mergedesk_Bridge_Members
{
    public function __construct(private Mergedesk_Bridge_Link_Store $store)
    {
    }

    /** @return array<string,mixed> */
    public function present(WP_User $user): array
    {
        $contact_id = $this->store->get_contact_id($user->ID);
        $last_login = get_user_meta($user->ID, Mergedesk_Bridge_Activity::LAST_LOGIN_META, true);
        /**
         * Hints that the user has progress worth keeping (lessons completed, last activity…), from whatever LMS
         * the site runs. Values must be scalars.
         */
        $hints = apply_filters('mergedesk_bridge_progress_hints', [], $user, $contact_id);
        $progress = [];
        foreach (is_array($hints) ? $hints : [] as $key => $value) {
            if (is_string($key) && (is_scalar($value) || $value === null)) {
                $progress[$key] = $value;
            }
        }
        return [
            'id' => (int) $user->ID,
            'login' => $user->user_login,
            'email' => $user->user_email,
            'display_name' => $user->display_name,
            'registered' => self::iso($user->user_registered),
            'last_login' => is_string($last_login) && $last_login !== '' ? $last_login : null,
            'contact_id' => $contact_id,
            'tags' => array_values($this->store->tags($user->ID, $contact_id)),
            // An empty PHP array would encode as [], so force an object.
            'progress' => (object) $progress,
        ];
    }

    private static function iso(string $mysql_utc): ?string
    {
        if ($mysql_utc === '' || str_starts_with($mysql_utc, '0000')) {
            return null;
        }
        $ts = strtotime($mysql_utc . ' UTC');
        return $ts === false ? null : gmdate('Y-m-d\TH:i:s\Z', $ts);
    }
}
