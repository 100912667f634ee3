import type { Handlers } from './types';
import { appHandlers } from './app';
import { wordpressHandlers } from './wordpress';
import { mergeHandlers } from './merge';
import { connectionHandlers } from './connections';
import { syncHandlers } from './sync';
import { contactHandlers } from './contacts';
import { detectHandlers } from './detect';
import { overviewHandlers } from './overview';
import { jobHandlers } from './jobs';

/** Every contract method has exactly one handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...appHandlers,
  ...wordpressHandlers,
  ...mergeHandlers,
  ...connectionHandlers,
  ...syncHandlers,
  ...contactHandlers,
  ...detectHandlers,
  ...overviewHandlers,
  ...jobHandlers,
} satisfies Handlers;
