/**
 * `npm run demo`: starts the AWS emulator, runs the demo round trip, and
 * leaves the local stack and its REST API running (Ctrl-C stops them).
 * With `--once` it exits after the round trip: 0 when every restore is
 * identical, 1 otherwise. Options: `--items N` (default 10,000),
 * `--big-mib N` (default 65). The API listens on `HAVEN_API_PORT` (3000).
 */
import { parseArgs } from 'node:util';
import { assertNodeVersion } from '../node-version.js';
import { startEmulatorSession } from '../stack/emulator-session.js';

/** The demo's sizes unless told otherwise: quick on a laptop (under 3 minutes), still with one object over the 64 MiB multipart line. */
const DEMO_DEFAULTS = { items: 10_000, bigMib: 65 } as const;

assertNodeVersion();
const { values } = parseArgs({ options: { once: { type: 'boolean', default: false }, items: { type: 'string', default: String(DEMO_DEFAULTS.items) }, 'big-mib': { type: 'string', default: String(DEMO_DEFAULTS.bigMib) } } });
const items = Number.parseInt(values.items, 10);
const bigMib = Number.parseFloat(values['big-mib']);
if (!Number.isSafeInteger(items) || items < 100 || !(bigMib > 0)) {
  process.stderr.write('usage: npm run demo -- [--once] [--items N>=100] [--big-mib N]\n');
  process.exit(2);
}

const session = await startEmulatorSession();
const { endpoint } = session;

try {
  // Imported after the environment is set: clients and loggers read it when built.
  const { runDemo } = await import('./run-demo.js');
  const outcome = await runDemo({ items, bigFileBytes: Math.round(bigMib * 1024 * 1024) });
  const api = await outcome.cloud.serveApi();
  const scheduler = outcome.cloud.scheduler();
  scheduler.start();
  session.onStop(async () => {
    scheduler.stop();
    await api.close();
    await outcome.cloud.close();
  });
  process.stdout.write(`Haven API at ${api.url} (try: curl ${api.url}/backup/files)\n`);
  if (values.once) await session.stop(outcome.ok ? 0 : 1);
  process.stdout.write(`\nThe local stack keeps running: emulator ${endpoint}, vault ${outcome.cloud.vaultUri}, catalog ${outcome.cloud.catalogTable}, API ${api.url}.\n`);
  process.stdout.write(`Try: AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing npm run haven -- vault ls ${outcome.cloud.vaultUri}\nCtrl-C stops it.\n`);
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await session.stop(1);
}
