import type { Handlers } from './types';
import { appHandlers } from './app';

/** Every contract method has exactly one handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...appHandlers,
} satisfies Handlers;
