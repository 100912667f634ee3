import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir as makeTempDir } from '../helpers/workspace';

const CLI = 'bin/mergedesk.js';
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
const noStack = /\n\s+at .*:\d+:\d+/;
const made: string[] = [];
const tempDir = () => {
  const dir = makeTempDir('md-cli-');
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

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

  it('--help lists the commands with examples and exit codes', () => {
    const res = run(['--help']);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Commands:\n[\s\S]*status/);
    expect(res.stdout).toContain('Examples:');
    expect(res.stdout).toContain('$ mergedesk status');
    expect(res.stdout).toContain('Exit codes:');
    const bare = run([]);
    expect(bare.status).toBe(0);
    expect(bare.stdout).toContain('Usage: mergedesk');
  });

  it('an unknown command is a usage error: exit 2, one line and a hint, no stack trace', () => {
    const res = run(['frobnicate']);
    expect(res.status).toBe(2);
    expect(res.stderr).toBe("mergedesk: unknown command 'frobnicate'\n(run mergedesk --help for usage)\n");
    expect(res.stdout).toBe('');
  });

  it('an unknown option or a missing argument is a usage error too', () => {
    const option = run(['status', '--bogus']);
    expect(option.status).toBe(2);
    expect(option.stderr.split('\n')[0]).toBe("mergedesk: unknown option '--bogus'");
    const missing = run(['--workspace']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mergedesk: option '--workspace <dir>' argument missing\n/);
  });

  it('usage errors under --json are JSON on stdout', () => {
    const res = run(['--json', 'frobnicate']);
    expect(res.status).toBe(2);
    expect(JSON.parse(res.stdout)).toEqual({
      error: { code: 'USAGE', message: "unknown command 'frobnicate'" },
    });
  });

  it('a failure while running a command is one sentence, and JSON under --json', () => {
    const notADir = join(tempDir(), 'file');
    writeFileSync(notADir, 'not a folder');
    const human = run(['--workspace', notADir, 'status']);
    expect(human.status).toBe(1);
    expect(human.stderr).toMatch(/^mergedesk: Cannot open the workspace .*file/);
    expect(human.stderr).not.toMatch(noStack);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
    const json = run(['--workspace', notADir, 'status', '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'INTERNAL' });
  });
});
