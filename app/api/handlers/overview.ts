import type { HandlerSubset } from './types';
import { computeOverview } from '../../overview/at-risk';

export const overviewHandlers: HandlerSubset<'overview/get'> = {
  'overview/get': (_input, ctx) => computeOverview(ctx.workspace.db),
};
