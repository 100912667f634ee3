import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { readChosenFile } from '../../app/uploads/store';
import { startWebHost, type WebHost } from '../../main/web/server';
import { tempDir } from '../helpers/workspace';

const KEAP_EXPORT =
  'Id,First Name,Last Name,Email,Street Address 1,Postal Code,Phone 1\n' +
  '1,Ann,Lee,ann.lee@example.com,12 High Street,90210,+1 210 598 4614\n' +
  '2,Anne,Lee,ann.lee@example.com,12 High St,90210,2105984614\n' +
  '3,Tom,Hardy,tom@example.org,1 Low Road,10001,\n';

function post(
  host: WebHost,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
  chunked = false,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${host.token}`,
          ...(chunked ? {} : { 'Content-Length': String(body.length) }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || 'null') }));
      },
    );
    req.on('error', (e) => (chunked ? resolve({ status: 413, json: String(e) }) : reject(e)));
    if (chunked) {
      for (let i = 0; i < body.length; i += 256) req.write(body.subarray(i, i + 256));
      req.end();
    } else req.end(body);
  });
}

describe('a CSV analysis reads only what the user handed over', () => {
  let dir: string;
  let core: Core;
  let host: WebHost;
  let fifo: string;
  let secretKey: string;

  beforeAll(async () => {
    dir = tempDir('md-upload-');
    // The real file store, so the workspace holds secrets.key as it does for a user.
    core = createCore({
      workspace: openWorkspace(join(dir, 'ws')),
      host: 'web',
      connectors: BUILT_IN_CONNECTORS,
    });
    await core.context.workspace.secrets.set('probe', 'a stored credential');
    secretKey = join(core.context.workspace.dir, 'secrets.key');
    expect(readFileSync(secretKey).length).toBeGreaterThan(0);
    fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const staticDir = join(dir, 'static');
    execFileSync('mkdir', ['-p', staticDir]);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    host = await startWebHost({ core, staticDir, maxUploadBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await host.close();
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the contract takes no path: secrets.key, /proc/self/environ, a FIFO and /dev/zero are out of reach', async () => {
    const env =
      readFileSync('/proc/self/environ', 'utf8')
        .split('\0')
        .find((l) => l.length > 12) ?? 'PATH=';
    const key = readFileSync(secretKey, 'utf8').slice(0, 16);
    for (const path of [secretKey, '/proc/self/environ', fifo, '/dev/zero', '../ws/secrets.key']) {
      for (const input of [
        { path },
        { upload: path },
        { text: '', path },
        { upload: 'x'.repeat(30), path },
      ]) {
        const started = Date.now();
        const answer = await core.invoke('detect/csv/analyse', input);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(answer, `${JSON.stringify(input)}`).toMatchObject({
          ok: false,
          error: { code: 'INVALID_INPUT' },
        });
        const text = JSON.stringify(answer);
        expect(text.length).toBeLessThan(1_500);
        expect(text).not.toContain(env);
        expect(text).not.toContain(key);
      }
    }
    // Over HTTP too, where the renderer's calls arrive.
    const reply = await post(
      host,
      '/api/invoke',
      Buffer.from(JSON.stringify({ method: 'detect/csv/analyse', input: { path: secretKey } })),
      { 'Content-Type': 'application/json' },
    );
    expect(reply.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // A token that was never handed out names nothing.
    const unknown = await core.invoke('detect/csv/analyse', { upload: 'A'.repeat(32) });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('an upload returns an opaque token that the analysis takes; a Keap export is read by its column names', async () => {
    const up = await post(host, '/api/upload', Buffer.from(KEAP_EXPORT), {
      'Content-Type': 'text/csv',
      'X-File-Name': encodeURIComponent('keap export.csv'),
    });
    expect(up.status).toBe(200);
    const ref = (up.json as { data: { upload: string; name: string; size: number } }).data;
    expect(ref).toMatchObject({ name: 'keap export.csv', size: Buffer.byteLength(KEAP_EXPORT) });
    expect(ref.upload).toMatch(/^[A-Za-z0-9_-]{24,64}$/);
    const progress: {
      jobId: string;
      kind?: string;
      phase: string;
      message?: string;
      total: number | null;
    }[] = [];
    const off = core.context.events.subscribe((e) => {
      if (e.name === 'detect/progress') progress.push(e.payload as (typeof progress)[number]);
    });
    const analysis = await core.call('detect/csv/analyse', {
      upload: ref.upload,
      progressKey: 'csv-screen-1',
    });
    off();
    expect(analysis).toMatchObject({ fileName: 'keap export.csv', records: 3, delimiterLabel: 'comma' });
    // The screen that asked follows the analysis under its own key, in words, and a scan's bar is not moved.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === 'csv-screen-1' && p.kind === 'csv')).toBe(true);
    expect(progress).toContainEqual(
      expect.objectContaining({ phase: 'blocking', message: 'Finding records that could be one person' }),
    );
    expect(
      await core.invoke('detect/csv/analyse', { upload: ref.upload, progressKey: '../x' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(analysis.recognised).toMatchObject({
      given: ['First Name'],
      family: ['Last Name'],
      email: ['Email'],
      address_1: ['Street Address 1'],
      postcode: ['Postal Code'],
      phone: ['Phone 1'],
    });
    expect(analysis.preview[0]).toMatchObject({ a: { name: 'Ann Lee' }, b: { name: 'Anne Lee' } });
  });

  it('the upload cap holds, declared or streamed, and the host keeps serving', async () => {
    const big = Buffer.alloc(65 * 1024, 'a');
    const declared = await post(host, '/api/upload', big, { 'Content-Type': 'text/csv' });
    expect(declared.status).toBe(413);
    const streamed = await post(host, '/api/upload', big, { 'Content-Type': 'text/csv' }, true);
    expect(streamed.status).toBe(413);
    const after = await post(host, '/api/upload', Buffer.from(KEAP_EXPORT), { 'Content-Type': 'text/csv' });
    expect(after.status).toBe(200);
  });

  it('a file chosen by a person (CLI, desktop dialog) is read only if it is a regular file under the cap', async () => {
    for (const path of [fifo, '/dev/zero', dir]) {
      const started = Date.now();
      await expect(readChosenFile(path)).rejects.toMatchObject({
        code: expect.stringMatching(/INVALID_INPUT|NOT_FOUND/),
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    const file = join(dir, 'big.csv');
    writeFileSync(file, Buffer.alloc(2048, 'x'));
    await expect(readChosenFile(file, 1024)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await readChosenFile(file, 4096)).bytes.length).toBe(2048);
  });

  it('detect/csv/pick needs the desktop dialog; with one it reads only the chosen file', async () => {
    expect(await core.invoke('detect/csv/pick', {})).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED' },
    });
    const chosen = join(dir, 'chosen.csv');
    writeFileSync(chosen, KEAP_EXPORT);
    const desktop = createCore({
      workspace: openWorkspace(join(dir, 'ws2')),
      host: 'electron',
      connectors: BUILT_IN_CONNECTORS,
      pickFile: async () => chosen,
    });
    try {
      const picked = await desktop.call('detect/csv/pick', {});
      expect(picked.picked).toMatchObject({ name: 'chosen.csv' });
      const analysis = await desktop.call('detect/csv/analyse', { upload: picked.picked!.upload });
      expect(analysis.records).toBe(3);
      expect(JSON.stringify(picked)).not.toContain(dir);
    } finally {
      desktop.close();
    }
  });
});
