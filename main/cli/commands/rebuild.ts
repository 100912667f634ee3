import type { Command } from 'commander';
import { rebuildCache } from '../../../app/workspace/rebuild';
import { resolveWorkspaceDir } from '../../../app/workspace/paths';
import { toErrorShape } from '../../../app/domain/errors';
import { exitCodeFor } from '../exit-codes';
import { globalOptions } from '../runtime';

export function registerRebuild(program: Command): void {
  program
    .command('rebuild-cache')
    .description(
      'Rebuild a damaged workspace database: keep it aside, carry over connections, decisions and the merge ' +
        'history, and re-sync contacts with `mergedesk sync --full`. Close the app first.',
    )
    .action((_opts: unknown, command: Command) => {
      const options = globalOptions(command);
      try {
        const result = rebuildCache(resolveWorkspaceDir(options.workspace));
        process.stdout.write(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : [
                `The damaged database is kept as ${result.damagedFile}.`,
                `Carried over: ${result.carried.join(', ') || 'nothing'}.`,
                ...(result.lost.length
                  ? [`Could not be read, starts empty: ${result.lost.join(', ')}.`]
                  : []),
                'Next: `mergedesk sync --full` reads every contact again from the CRM.',
              ].join('\n') + '\n',
        );
      } catch (error) {
        const shape = toErrorShape(error);
        process.stderr.write(`mergedesk: ${shape.message}\n`);
        process.exitCode = exitCodeFor(shape.code);
      }
    });
}
