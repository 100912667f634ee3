/** What the Overview screen shows; plain data that crosses the contract. */
export type Lane = 'safe' | 'needs_choice' | 'maybe_two_people';

export interface AtRiskMember {
  readonly login: string;
  readonly wpId: number;
  /** The contact the login is linked to, as "Name (#id)" parts. */
  readonly contactId: string | null;
  readonly name: string;
  /** What is wrong, in words. */
  readonly problem: string;
  /** The group whose merge fixes it, when there is one. */
  readonly groupId: number | null;
}

export interface Overview {
  readonly splitAccess: readonly AtRiskMember[];
  readonly missingContact: readonly AtRiskMember[];
  readonly twoLogins: readonly AtRiskMember[];
  readonly lanes: Record<Lane, number>;
  /** Open groups per lane in ten score bands, 0–10 % … 90–100 %. */
  readonly scores: Record<Lane, readonly number[]>;
  readonly fixed: { readonly mergedGroups: number; readonly membersSecured: number };
}
