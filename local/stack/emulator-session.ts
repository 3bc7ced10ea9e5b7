/**
 * Starts the AWS emulator for a local command (`npm run demo`, `npm run
 * local`), points the process's AWS environment at it, and stops it (and
 * whatever else the command registered) on Ctrl-C or `stop`.
 */
import { MotoServer } from '../emulator/moto-server.js';
import { assertNodeVersion } from '../node-version.js';
import { localAwsEnvironment } from './environment.js';

/** A running emulator and what to close before stopping it. */
export interface EmulatorSession {
  endpoint: string;
  /** Registers something to close before the emulator stops (the API server…). */
  onStop(close: () => Promise<void>): void;
  /** Closes everything registered, stops the emulator and exits with `code`. */
  stop(code: number): Promise<never>;
}

/** Starts the emulator and sets `AWS_ENDPOINT_URL` and friends for this process. */
export async function startEmulatorSession(): Promise<EmulatorSession> {
  assertNodeVersion();
  const server = new MotoServer();
  const endpoint = await server.start();
  Object.assign(process.env, localAwsEnvironment(endpoint));
  process.stdout.write(`AWS emulator (moto) at ${endpoint}\n`);
  const closers: Array<() => Promise<void>> = [];
  const stop = async (code: number): Promise<never> => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  return { endpoint, onStop: (close) => void closers.push(close), stop };
}
