import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'dist/node/cli.js';

/** What `mergedesk sandbox --crm activecampaign --json` prints: the account and its linked WordPress site. */
export interface AcSandboxInfo {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly contacts: number;
  readonly wordpress: { readonly url: string; readonly username: string; readonly appPassword: string };
}

export interface AcSandbox {
  readonly info: AcSandboxInfo;
  readonly process: ChildProcess;
  /** The workspace the built CLI connected to both sandboxes, for the web host to open. */
  readonly workspace: string;
  /** Labels of the two connections as the Connections screen shows them. */
  readonly crmLabel: string;
  readonly siteLabel: string;
}

/** Starts the built CLI's ActiveCampaign sandbox (with its linked WordPress sandbox) and reads its JSON line. */
async function startSandbox(contacts: number): Promise<{ info: AcSandboxInfo; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [CLI, '--json', 'sandbox', '--crm', 'activecampaign', '--contacts', String(contacts)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const info = await new Promise<AcSandboxInfo>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`the ActiveCampaign sandbox did not start:\n${err}`)),
      30_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as AcSandboxInfo);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ActiveCampaign sandbox exited (${code}):\n${err}`));
    });
  });
  return { info, process: child };
}

/**
 * A workspace whose connections are the ActiveCampaign sandbox and its WordPress site, connected the way a user
 * would from a terminal (`mergedesk connect activecampaign`, then `mergedesk connect wordpress --crm`), so the web
 * host opens it with nothing synced yet.
 */
export async function startAcSandboxWorkspace(contacts = 40): Promise<AcSandbox> {
  const { info, process: child } = await startSandbox(contacts);
  const workspace = mkdtempSync(join(tmpdir(), 'md-e2e-ac-'));
  const crmLabel = 'ActiveCampaign sandbox';
  const siteLabel = 'Member site';
  try {
    const crm = await run(
      process.execPath,
      [
        CLI,
        '--workspace',
        workspace,
        '--json',
        'connect',
        'activecampaign',
        '--base-url',
        info.baseUrl,
        '--label',
        crmLabel,
      ],
      { env: { ...process.env, AC_API_TOKEN: info.apiKey } },
    );
    const connectionId = (JSON.parse(crm.stdout) as { connection: { id: string } }).connection.id;
    await run(
      process.execPath,
      [
        CLI,
        '--workspace',
        workspace,
        '--json',
        'connect',
        'wordpress',
        '--url',
        info.wordpress.url,
        '--user',
        info.wordpress.username,
        '--label',
        siteLabel,
        '--crm',
        connectionId,
      ],
      { env: { ...process.env, WP_APP_PASSWORD: info.wordpress.appPassword } },
    );
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return { info, process: child, workspace, crmLabel, siteLabel };
}

export async function stopAcSandbox(sb: AcSandbox): Promise<void> {
  if (sb.process.exitCode !== null) return;
  const exited = new Promise((r) => sb.process.once('exit', r));
  sb.process.kill('SIGTERM');
  await exited;
}

/** Reads the sandboxes back over their own APIs, as an independent check of what the merge did. */
export class AcSandboxReader {
  constructor(private readonly info: AcSandboxInfo) {}

  /** One API read; the account allows 5 requests a second, so a 429 is waited out as its Retry-After says. */
  private async ac<T>(path: string): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.info.baseUrl}/api/3${path}`, {
        headers: { 'Api-Token': this.info.apiKey },
      });
      if (res.status !== 429 || attempt >= 20) return { status: res.status, body: (await res.json()) as T };
      await res.body?.cancel();
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((r) => setTimeout(r, Math.max(0.2, Math.min(seconds, 5)) * 1000));
    }
  }

  async contactExists(id: string): Promise<boolean> {
    return (await this.ac(`/contacts/${id}`)).status === 200;
  }

  async tagIds(id: string): Promise<string[]> {
    const r = await this.ac<{ contactTags: { tag: string }[] }>(`/contacts/${id}/contactTags`);
    return r.body.contactTags.map((t) => t.tag).sort();
  }

  /** List id → status ('1' subscribed, '2' unsubscribed). */
  async lists(id: string): Promise<Record<string, string>> {
    const r = await this.ac<{ contactLists: { list: string; status: string }[] }>(
      `/contacts/${id}/contactLists`,
    );
    return Object.fromEntries(r.body.contactLists.map((l) => [l.list, l.status]));
  }

  async automationIds(id: string): Promise<string[]> {
    const r = await this.ac<{ contactAutomations: { automation: string }[] }>(
      `/contacts/${id}/contactAutomations`,
    );
    return r.body.contactAutomations.map((a) => a.automation).sort();
  }

  /** Id of the automation the account calls `name`. */
  async automationId(name: string): Promise<string> {
    const r = await this.ac<{ automations: { id: string; name: string }[] }>('/automations?limit=100');
    const a = r.body.automations.find((x) => x.name === name);
    if (!a) throw new Error(`the sandbox has no automation "${name}"`);
    return a.id;
  }

  /** WordPress logins linked to a contact, from the site's bridge plugin. */
  async membersOf(contactId: string): Promise<{ id: number; login: string }[]> {
    const auth = Buffer.from(`${this.info.wordpress.username}:${this.info.wordpress.appPassword}`).toString(
      'base64',
    );
    const res = await fetch(`${this.info.wordpress.url}/wp-json/mergedesk/v1/contacts/${contactId}/members`, {
      headers: { Authorization: `Basic ${auth}` },
    });
    return (await res.json()) as { id: number; login: string }[];
  }
}
