import { runCli } from './program';

// A promise nobody awaited must still end as one line, not as Node's stack dump.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`mergedesk: ${reason instanceof Error ? reason.message : String(reason)}\n`);
  process.exit(1);
});

process.exitCode = await runCli(process.argv);
