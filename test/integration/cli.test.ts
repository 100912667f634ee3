import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tempDir } from '../helpers/workspace';

const CLI = 'bin/mergedesk.js';

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk CLI (built)', () => {
  it('prints the version', () => {
    const out = execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports workspace status as JSON', () => {
    const ws = tempDir();
    const out = execFileSync(process.execPath, [CLI, '--workspace', ws, '--no-sandbox', 'status', '--json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      contacts: 0,
      tags: 0,
      orders: 0,
      subscriptions: 0,
      wp_users: 0,
      groups: 0,
      connections: [],
    });
  });

  it('selects the workspace from MERGEDESK_HOME', () => {
    const ws = tempDir();
    const out = execFileSync(process.execPath, [CLI, 'status'], {
      encoding: 'utf8',
      env: { ...process.env, MERGEDESK_HOME: ws },
    });
    expect(out).toContain(ws);
  });

  it('fails with a usage exit code and no stack trace on an unknown command', () => {
    const res = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("unknown command 'frobnicate'");
    expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
