// The Keap sandbox in its own process for benchmarks, so its request handling does not share a thread with the
// cache writes being measured. Started with fork(); answers 'stats' messages with its request counters.
import { startKeapSandbox } from '../app/sandbox/keap';

const [contacts, rate, perMinute] = process.argv.slice(2).map(Number) as [number, number, number];
const sb = await startKeapSandbox({
  contacts,
  seed: 2,
  limits: { perSecond: rate, perMinute, perDay: 10_000_000 },
});
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats: sb.stats });
  if (m === 'stop') void sb.close().then(() => process.exit(0));
});
process.send?.({ baseUrl: sb.baseUrl, apiKey: sb.apiKey });
