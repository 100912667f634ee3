/**
 * The only two IPC channels (the allowlist): the renderer invokes the core on one and receives core events on the
 * other. Main handles nothing else, so any other channel the renderer might use goes nowhere.
 */
export const INVOKE_CHANNEL = 'mergedesk:invoke';
export const EVENT_CHANNEL = 'mergedesk:event';
