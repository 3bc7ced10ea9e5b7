/**
 * `npm run local`: starts the AWS emulator, deploys Haven's synthesized
 * template into it (the local cloud: the template's functions, state
 * machines and IAM policies, enforced), serves its REST API on
 * `http://127.0.0.1:${HAVEN_API_PORT:-3000}` and fires its schedules, until
 * Ctrl-C. No demo data: create jobs through the API (or the CLI).
 *
 * Sources and restore targets are granted as a deployment grants them, by
 * CDK context: `HAVEN_SOURCE_TABLES`, `HAVEN_SOURCE_BUCKETS`,
 * `HAVEN_RESTORE_TABLES` and `HAVEN_RESTORE_BUCKETS` (comma-separated names)
 * fill `haven:sourceTableArns` and the other keys.
 */
import { startEmulatorSession } from './stack/emulator-session.js';

const names = (variable: string) => (process.env[variable] ?? '').split(',').map((n) => n.trim()).filter(Boolean);

const session = await startEmulatorSession();
try {
  // Imported after the environment is set: clients and loggers read it when built.
  const { LocalCloud } = await import('./cloud/cloud.js');
  const cloud = await LocalCloud.start({
    name: 'haven-local',
    sourceTables: names('HAVEN_SOURCE_TABLES'),
    sourceBuckets: names('HAVEN_SOURCE_BUCKETS'),
    restoreTables: names('HAVEN_RESTORE_TABLES'),
    restoreBuckets: names('HAVEN_RESTORE_BUCKETS'),
  });
  const api = await cloud.serveApi();
  const scheduler = cloud.scheduler();
  scheduler.start();
  session.onStop(async () => {
    scheduler.stop();
    await api.close();
    await cloud.close();
  });
  process.stdout.write(`stack ${cloud.deployment.stackName}: vault ${cloud.vaultUri}, catalog ${cloud.catalogTable}\n`);
  process.stdout.write(`Haven API at ${api.url} (try: curl ${api.url}/health)\nCtrl-C stops it.\n`);
} catch (error) {
  process.stderr.write(`local stack failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await session.stop(1);
}
