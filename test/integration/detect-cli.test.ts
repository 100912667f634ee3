import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/workspace';

const CLI = 'bin/mergedesk.js';
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk detect (built CLI)', () => {
  it('writes pairs and clusters for a CSV with recognised columns', () => {
    const dir = tempDir();
    const input = join(dir, 'in.csv');
    writeFileSync(
      input,
      'unique_id,First Name,surname,E-mail,Phone,notes\n' +
        'a,William,Turner,wt@example.com,415-555-0101,x\n' +
        'b,Bill,Turner,WT@example.com,(415) 555 0101,y\n' +
        'c,Grace,Hopper,gh@example.com,,z\n',
    );
    const res = run([
      'detect',
      '--csv',
      input,
      '--out',
      join(dir, 'pairs.csv'),
      '--clusters',
      join(dir, 'c.csv'),
    ]);
    expect(res.status).toBe(0);
    const pairs = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n');
    expect(pairs[0]).toBe('id_a,id_b,score,lane');
    expect(pairs.slice(1)).toHaveLength(1);
    expect(pairs[1]).toMatch(/^a,b,(0\.\d+|1\.0000),needs_choice$/);
    const clusters = readFileSync(join(dir, 'c.csv'), 'utf8').trim().split('\n');
    expect(clusters).toEqual(['id,group', 'a,1', 'b,1', 'c,2']);
  });

  it('fails with the broken line and a non-zero exit code on a malformed CSV', () => {
    const dir = tempDir();
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'id,email\n1,a@b.com\n2,c@d.com,extra\n');
    const res = run(['detect', '--csv', input, '--out', join(dir, 'pairs.csv')]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/line 3/);
    expect(existsSync(join(dir, 'pairs.csv'))).toBe(false);
  });

  it('refuses an unwritable --out clearly, before reading the CSV', () => {
    const dir = tempDir();
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'id,email\n1,a@b.com\n');
    const res = run(['detect', '--csv', input, '--out', join(dir, 'missing', 'pairs.csv')]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/Cannot write the pairs to .*pairs\.csv: its folder does not exist/);
    expect(res.stderr).not.toMatch(/Unexpected error|ENOENT/);
  });

  it('reads a semicolon-separated UTF-16 export with repeated ids and says what it did', () => {
    const dir = tempDir();
    const input = join(dir, 'in.csv');
    const text = 'Id;First Name;Last Name;Email\n1;Zoë;Brontë;zoe@x.org\n1;Zoe;Bronte;zoe@x.org\n';
    writeFileSync(input, Buffer.from(`\uFEFF${text}`, 'utf16le'));
    const res = run(['--json', 'detect', '--csv', input, '--out', join(dir, 'pairs.csv')]);
    expect(res.status).toBe(0);
    const summary = JSON.parse(res.stdout) as { encoding: string; delimiter: string; duplicateIds: number };
    expect(summary).toMatchObject({ encoding: 'utf-16le', delimiter: ';', duplicateIds: 1 });
    const pairs = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n');
    expect(pairs[1]).toMatch(/^1,1 \(line 3\),/);
  });

  it('scans a workspace and lists groups as JSON', () => {
    const ws = tempDir();
    const scan = run(['--workspace', ws, '--no-sandbox', 'detect', '--json']);
    expect(scan.status).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ contacts: 0, groups: 0 });
    const groups = run(['--workspace', ws, '--no-sandbox', 'groups', '--lane', 'safe', '--json']);
    expect(groups.status).toBe(0);
    expect(JSON.parse(groups.stdout)).toMatchObject({ total: 0, items: [] });
    expect(run(['--workspace', ws, '--no-sandbox', 'groups', '--lane', 'bogus']).status).toBe(2);
  });
});
