import type { Handlers } from './types';
import { appHandlers } from './app';
import { detectHandlers } from './detect';

/** Every contract method has exactly one handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...appHandlers,
  ...detectHandlers,
} satisfies Handlers;
