/**
 * `npm run local`: starts the AWS emulator, a local stack and its REST API
 * on `http://127.0.0.1:${HAVEN_API_PORT:-3000}`, and keeps serving until
 * Ctrl-C. No demo data: create jobs through the API (or the CLI).
 */
import { startEmulatorSession } from './stack/emulator-session.js';

const session = await startEmulatorSession();
try {
  // Imported after the environment is set: clients and loggers read it when built.
  const { LocalStack } = await import('./stack/local-stack.js');
  const { startLocalApi } = await import('./api/local-api.js');
  const stack = await LocalStack.create({ name: 'haven-local', retryIntervalMs: 500 });
  const api = await startLocalApi(stack);
  session.onStop(api.close);
  process.stdout.write(`vault ${stack.vaultUri}, catalog ${stack.catalogTable}\n`);
  process.stdout.write(`Haven API at ${api.url} (try: curl ${api.url}/health)\nCtrl-C stops it.\n`);
} catch (error) {
  process.stderr.write(`local stack failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await session.stop(1);
}
