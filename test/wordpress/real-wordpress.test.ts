import { describe, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { defaultConnectionFile } from './ci-connection';
import { connectorContract, type ContractTarget } from './connector-contract';

/**
 * The same contract suite as sandbox.test.ts, against real WordPress started by `scripts/wordpress-ci.sh test`.
 * Skipped (with the reason as the test name) only where PHP/MariaDB/WordPress are not installed; in CI
 * (CI=true) a missing site is a failure.
 */
const file = process.env.MERGEDESK_WP_CI_FILE ?? defaultConnectionFile();
const connection = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as Omit<ContractTarget, 'setBridgeActive'>)
  : null;
const stackInstalled = existsSync('/usr/share/wordpress/wp-load.php') && existsSync('/usr/bin/php');

if (connection) {
  connectorContract('real WordPress 6 + MariaDB', () => ({
    ...connection,
    async setBridgeActive(active: boolean) {
      execFileSync('bash', ['scripts/wordpress-ci.sh', 'plugin', active ? 'on' : 'off'], { stdio: 'pipe' });
    },
  }));
} else if (process.env.CI || stackInstalled) {
  describe('real WordPress', () => {
    it('is running', () => {
      throw new Error(
        `No real WordPress connection at ${file}. Run the suite through \`scripts/wordpress-ci.sh test\`.`,
      );
    });
  });
} else {
  describe.skip('real WordPress: skipped because PHP, MariaDB or Debian’s wordpress package is not installed here', () => {
    it('runs the connector contract suite', () => {});
  });
}
