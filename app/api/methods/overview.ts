import { z } from 'zod';
import { method } from '../define';
import type { AtRiskMember, Overview } from '../../overview/types';

export type { AtRiskMember, Overview };

export const overviewMethods = {
  'overview/get': method(
    z.object({}).strict(),
    'Members at risk now (split access, a link to a contact the CRM no longer has, two logins), each with the group that fixes it; lane counts, score distribution per lane, and what merges fixed.',
  ).returns<Overview>(),
};
