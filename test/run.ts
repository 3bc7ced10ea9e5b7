/**
 * The test suite's entry point: starts one moto server for the whole run,
 * exports the standard AWS variables pointing at it, runs node's test runner
 * over the given files (default: every test/**\/*.test.ts), then stops the
 * server. Tests isolate by unique resource names, never by resetting it.
 */
import { spawn } from 'node:child_process';
import { MotoServer } from '../local/emulator/moto-server.js';
import { startPostgresIfNeeded } from './postgres-setup.js';
import { assertNodeVersion } from '../local/node-version.js';
import { localAwsEnvironment } from '../local/stack/environment.js';

assertNodeVersion();
const files = process.argv.slice(2);
const server = new MotoServer();
const endpoint = await server.start();
process.stderr.write(`[test] moto server at ${endpoint}\n`);

const postgres = await startPostgresIfNeeded(files);
const env: NodeJS.ProcessEnv = { ...process.env, ...localAwsEnvironment(endpoint), HAVEN_TEST_EMULATOR: endpoint, ...postgres.env };
delete env.AWS_PROFILE;

const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${process.env.HAVEN_TEST_CONCURRENCY ?? '2'}`,
  ...(files.length > 0 ? files : ['test/**/*.test.ts']),
];
const child = spawn(process.execPath, args, { stdio: 'inherit', env });
const stopOnSignal = () => child.kill('SIGTERM');
process.on('SIGINT', stopOnSignal);
process.on('SIGTERM', stopOnSignal);
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await postgres.stop();
await server.stop();
process.exit(code);
