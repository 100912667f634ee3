import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAcSandboxWorkspace, stopAcSandbox, type AcSandbox } from './ac-sandbox';

export interface AppHost {
  readonly url: string;
  readonly workspace: string;
  readonly process: ChildProcess;
}

/** Starts `dist/node/web.js` over a fresh workspace and resolves with the URL it prints (token included). */
export async function startHost(
  extraArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  existingWorkspace?: string,
): Promise<AppHost> {
  const workspace = existingWorkspace ?? mkdtempSync(join(tmpdir(), 'md-e2e-'));
  const child = spawn(process.execPath, ['dist/node/web.js', '--workspace', workspace, ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open: (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited (${code}):\n${out}\n${err}`));
    });
  });
  return { url, workspace, process: child };
}

export async function stopHost(host: AppHost): Promise<void> {
  if (host.process.exitCode === null) {
    const exited = new Promise((r) => host.process.once('exit', r));
    host.process.kill('SIGTERM');
    // The host shuts down gracefully; if it ever hangs, do not leave it behind.
    const force = setTimeout(() => host.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
  rmSync(host.workspace, { recursive: true, force: true });
}

export const test = base.extend<{
  app: AppHost;
  hostArgs: readonly string[];
  crmSandbox: 'embedded' | 'activecampaign';
  acSandbox: AcSandbox | null;
}>({
  /** Extra web-host arguments; `test.use({ hostArgs: ['--no-sandbox'] })` for tests that need an empty workspace. */
  hostArgs: [[], { option: true }],
  /**
   * `crmSandbox: 'activecampaign'`: the workspace starts with the built CLI's ActiveCampaign sandbox and its linked WordPress
   * sandbox as its connections (not yet synced), and no embedded Keap sandbox; `acSandbox` describes them.
   */
  crmSandbox: ['embedded', { option: true }],
  acSandbox: async ({ crmSandbox }, use) => {
    if (crmSandbox !== 'activecampaign') {
      await use(null);
      return;
    }
    const sb = await startAcSandboxWorkspace();
    await use(sb);
    await stopAcSandbox(sb);
  },
  app: async ({ hostArgs, acSandbox }, use) => {
    const host = acSandbox
      ? await startHost(['--no-sandbox', ...hostArgs], {}, acSandbox.workspace)
      : await startHost(hostArgs);
    await use(host);
    await stopHost(host);
  },
});

export { expect };
