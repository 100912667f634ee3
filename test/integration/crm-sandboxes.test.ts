import { describe, expect, it } from 'vitest';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import type { CrmConnector } from '../../app/ports/connector';
import { tempDir } from '../helpers/workspace';
import { systemClock } from '../../app/ports/clock';

const withSandbox = BUILT_IN_CONNECTORS.filter(
  (c): c is CrmConnector => c.role === 'crm' && c.sandbox !== undefined,
);

describe('CRM sandboxes come with their connector', () => {
  it('offers a sandbox for every built-in CRM', () => {
    expect(withSandbox.map((c) => c.kind)).toEqual(
      BUILT_IN_CONNECTORS.filter((c) => c.role === 'crm').map((c) => c.kind),
    );
  });

  it.each(withSandbox.map((c) => [c.label, c] as const))(
    'starts the %s sandbox on loopback, seeded, and says how to connect to it',
    async (_label, connector) => {
      const running = await (
        await connector.sandbox!()
      ).start({
        contacts: 30,
        seed: 7,
        stateDir: tempDir('md-sbx-'),
      });
      try {
        expect(new URL(String(running.info.baseUrl)).hostname).toBe('127.0.0.1');
        expect(running.info.contacts).toBeGreaterThan(0);
        expect(running.lines.join('\n')).toContain(`mergedesk connect ${connector.kind} `);
        const account = await connector.testConnection(
          connector.credentials.parse({ baseUrl: running.info.baseUrl, apiKey: running.info.apiKey }),
          systemClock,
        );
        expect(account).toBeTruthy();
      } finally {
        await running.close();
      }
    },
  );
});
