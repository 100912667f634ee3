import type { Handlers } from './types';
import { appHandlers } from './app';
import { wordpressHandlers } from './wordpress';
import { mergeHandlers } from './merge';

/** Every contract method has exactly one handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...appHandlers,
  ...wordpressHandlers,
  ...mergeHandlers,
} satisfies Handlers;
