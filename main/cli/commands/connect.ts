import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { action } from '../runtime';
import { AppError } from '../../../app/domain/errors';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';

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
    command
      .option('--label <label>', 'name to show for this connection')
      .addHelpText(
        'after',
        `\nThe key is read from $${connector.apiKeyEnv}, or asked for (not echoed). It is stored encrypted.`,
      )
      .action(
        action(async (ctx, opts: { baseUrl: string; label?: string }) => {
          const key =
            process.env[connector.apiKeyEnv]?.trim() || (await promptSecret(`${connector.label} API key: `));
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
        }),
      );
  }
}
