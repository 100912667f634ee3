/**
 * The sandbox account's published campaigns and their sequences, shaped as Keap REST v2 answers them
 * (`GET /campaigns`, `GET /campaigns/{id}/sequences`). The paths' items say which sequences send email, as a real
 * account's do; one sequence only tags and waits, so a client can tell the two apart.
 */
interface SandboxItem {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

interface SandboxSequence {
  readonly id: string;
  readonly name: string;
  readonly items: readonly SandboxItem[];
}

interface SandboxCampaign {
  readonly id: string;
  readonly name: string;
  readonly sequences: readonly SandboxSequence[];
}

export const SANDBOX_CAMPAIGNS: readonly SandboxCampaign[] = [
  {
    id: '11',
    name: 'New member onboarding',
    sequences: [
      {
        id: '111',
        name: 'Welcome emails',
        items: [
          { id: '1111', name: 'Welcome', type: 'Email' },
          { id: '1112', name: 'Wait a day', type: 'DelayTimer' },
          { id: '1113', name: 'Getting started', type: 'Email' },
        ],
      },
      {
        id: '112',
        name: 'Course access tags',
        items: [
          { id: '1121', name: 'Apply course tag', type: 'Tag' },
          { id: '1122', name: 'Wait a week', type: 'DelayTimer' },
        ],
      },
    ],
  },
  {
    id: '12',
    name: 'Renewal reminders',
    sequences: [
      {
        id: '121',
        name: 'Card expiring soon',
        items: [{ id: '1211', name: 'Update your card', type: 'Email' }],
      },
    ],
  },
  {
    id: '13',
    name: 'Win back lapsed members',
    sequences: [
      {
        id: '131',
        name: 'We miss you',
        items: [
          { id: '1311', name: 'Come back offer', type: 'UnlayerEmail' },
          { id: '1312', name: 'Note for sales', type: 'Task' },
        ],
      },
    ],
  },
];

export function campaignBody(c: SandboxCampaign) {
  return { id: c.id, name: c.name, locked: false, published_status: true, time_zone: 'America/New_York' };
}

export function sequencesBody(c: SandboxCampaign) {
  return {
    campaign_id: c.id,
    sequences: c.sequences.map((q) => ({
      id: q.id,
      name: q.name,
      paths: [{ id: `${q.id}0`, items: q.items }],
    })),
  };
}
