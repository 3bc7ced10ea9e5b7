/**
 * `npm run demo`: starts the AWS emulator, runs the demo round trip, and
 * leaves the local stack running (Ctrl-C stops it). With `--once` it exits
 * after the round trip: 0 when every restore is identical, 1 otherwise.
 * Options: `--items N` (default 50,000), `--big-mib N` (default 65).
 */
import { parseArgs } from 'node:util';
import { MotoServer } from '../emulator/moto-server.js';
import { assertNodeVersion } from '../node-version.js';
import { localAwsEnvironment } from '../stack/environment.js';

assertNodeVersion();
const { values } = parseArgs({ options: { once: { type: 'boolean', default: false }, items: { type: 'string', default: '50000' }, 'big-mib': { type: 'string', default: '65' } } });
const items = Number.parseInt(values.items, 10);
const bigMib = Number.parseFloat(values['big-mib']);
if (!Number.isSafeInteger(items) || items < 100 || !(bigMib > 0)) {
  process.stderr.write('usage: npm run demo -- [--once] [--items N>=100] [--big-mib N]\n');
  process.exit(2);
}

const server = new MotoServer();
const endpoint = await server.start();
Object.assign(process.env, localAwsEnvironment(endpoint));
process.stdout.write(`AWS emulator (moto) at ${endpoint}\n`);
const stop = async (code: number) => {
  await server.stop();
  process.exit(code);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));

try {
  // Imported after the environment is set: clients and loggers read it when built.
  const { runDemo } = await import('./run-demo.js');
  const outcome = await runDemo({ items, bigFileBytes: Math.round(bigMib * 1024 * 1024) });
  if (values.once) await stop(outcome.ok ? 0 : 1);
  process.stdout.write(`\nThe local stack keeps running: emulator ${endpoint}, vault ${outcome.stack.vaultUri}, catalog ${outcome.stack.catalogTable}.\n`);
  process.stdout.write(`Try: AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing npm run haven -- vault ls ${outcome.stack.vaultUri}\nCtrl-C stops it.\n`);
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
