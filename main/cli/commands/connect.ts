import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import type { CrmConnector } from '../../../app/ports/connector';
import { openBrowser } from '../../web/open-browser';
import type { CommandContext } from '../runtime';

/** Reads a secret from the terminal without echoing it. */
async function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped input: the first line is the key.
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line.trim();
    }
    return '';
  }
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer.trim();
}

/** `mergedesk connect <kind>` for every CRM connector this build ships (`connect wordpress` has its own file). */
export function registerConnect(program: Command): void {
  const connect = program.command('connect').description('Add a connection to a CRM or a WordPress site.');
  for (const connector of BUILT_IN_CONNECTORS) {
    if (connector.role !== 'crm') continue;
    const command = connect
      .command(connector.kind)
      .description(`Connect a ${connector.label} account (${connector.help.apiKey}).`);
    if (connector.defaultBaseUrl) {
      command.option('--base-url <url>', connector.help.baseUrl, connector.defaultBaseUrl);
    } else command.requiredOption('--base-url <url>', connector.help.baseUrl);
    command.option('--label <label>', 'name to show for this connection');
    const env = oauthEnv(connector);
    if (connector.oauth) {
      command
        .option('--oauth', 'sign in through the browser with your own developer app instead of an API key')
        .option('--client-id <id>', `your developer app's client id (or $${env.clientId})`)
        .option('--no-open', 'only print the address of the consent page (no browser here)');
    }
    command
      .addHelpText(
        'after',
        `\nThe key is read from $${connector.apiKeyEnv}, or asked for (not echoed). It is stored encrypted.` +
          (connector.oauth
            ? `\nWith --oauth the app's secret is read from $${env.clientSecret}, or asked for; the page that asks you to allow access opens in your browser and answers to 127.0.0.1.`
            : ''),
      )
      .action(
        action(
          async (
            ctx,
            opts: { baseUrl: string; label?: string; oauth?: boolean; clientId?: string; open?: boolean },
          ) => {
            if (opts.oauth) return connectThroughBrowser(ctx, connector, opts);
            const key =
              process.env[connector.apiKeyEnv]?.trim() ||
              (await promptSecret(`${connector.label} API key: `));
            if (!key) {
              throw new AppError(
                'INVALID_INPUT',
                `No API key given (set ${connector.apiKeyEnv} or type it when asked).`,
              );
            }
            const added = await ctx.core.call('connections/add', {
              kind: connector.kind,
              baseUrl: opts.baseUrl,
              apiKey: key,
              ...(opts.label ? { label: opts.label } : {}),
            });
            ctx.print(added, () =>
              [
                `Connected "${added.connection.label}" (${added.test.account ?? connector.label}).`,
                ...Object.entries(added.test.details).map(([k, v]) => `  ${k}: ${v}`),
                `Connection id: ${added.connection.id}`,
                'Next: mergedesk sync',
              ].join('\n'),
            );
          },
        ),
      );
  }
}

/** Where `connect <kind> --oauth` reads the developer app's credentials: KEAP_CLIENT_ID, KEAP_CLIENT_SECRET. */
function oauthEnv(connector: CrmConnector): { clientId: string; clientSecret: string } {
  const prefix = connector.kind.toUpperCase().replace(/-/g, '_');
  return { clientId: `${prefix}_CLIENT_ID`, clientSecret: `${prefix}_CLIENT_SECRET` };
}

/**
 * The OAuth2 connection from a terminal: prints the consent page's address, tries to open it in the browser, and
 * waits for its answer on 127.0.0.1; Ctrl+C stops waiting and closes the port.
 */
async function connectThroughBrowser(
  ctx: CommandContext,
  connector: CrmConnector,
  opts: { baseUrl: string; label?: string; clientId?: string; open?: boolean },
): Promise<void> {
  const env = oauthEnv(connector);
  const clientId = opts.clientId?.trim() || process.env[env.clientId]?.trim();
  if (!clientId) {
    throw new AppError('INVALID_INPUT', `No client id given (use --client-id or set ${env.clientId}).`);
  }
  const clientSecret =
    process.env[env.clientSecret]?.trim() || (await promptSecret(`${connector.label} app client secret: `));
  if (!clientSecret) {
    throw new AppError(
      'INVALID_INPUT',
      `No client secret given (set ${env.clientSecret} or type it when asked).`,
    );
  }
  const flow = await ctx.core.call('connections/oauth-start', {
    kind: connector.kind,
    baseUrl: opts.baseUrl,
    clientId,
    clientSecret,
    ...(opts.label ? { label: opts.label } : {}),
  });
  ctx.io.err(`Allow access to your ${connector.label} account on this page:\n  ${flow.authorizeUrl}\n`);
  if (opts.open !== false && !(await openBrowser(flow.authorizeUrl))) {
    ctx.io.err('Could not open a browser here; open the link above yourself.\n');
  }
  ctx.io.err('Waiting for the answer from the browser (Ctrl+C to stop)…\n');
  const stop = () => void ctx.core.call('connections/oauth-cancel', { flowId: flow.flowId });
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const { connection } = await ctx.core.call('connections/oauth-complete', { flowId: flow.flowId });
    ctx.print({ connection }, () =>
      [
        `Connected "${connection.label}" (${connection.account ?? connector.label}) through your app.`,
        `Connection id: ${connection.id}`,
        'Next: mergedesk sync',
      ].join('\n'),
    );
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
