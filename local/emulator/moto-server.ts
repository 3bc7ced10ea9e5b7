/**
 * Starts and stops a moto server bound to 127.0.0.1.
 *
 * Each server records a pid file (its pid, port, owner pid and the owner's
 * start time) in the state directory. A start first reaps what an unclean
 * exit left behind: pid files of dead servers are removed, and servers whose
 * owner died are stopped. Two servers never share a port or a pid file, so a
 * second start reuses nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatorPortInUseError, EmulatorStartError } from './errors.js';
import { ensureEmulatorInstalled, motoServerBin } from './install.js';
import { MOTO_LAUNCHER, venvPython } from './launcher.js';
import { stateDir as defaultStateDir, venvDir as defaultVenvDir } from './paths.js';
import { reapOrphans, removePidFile, writePidFile, type PidRecord } from './pid-files.js';
import { HOST, freePort, isPortFree } from './ports.js';
import { processStartTime, terminate } from './processes.js';

export { isAlive } from './processes.js';
export { reapOrphans, type PidRecord } from './pid-files.js';
export { freePort, isPortFree } from './ports.js';

/** How a server is started. */
/**
 * How long a start waits for moto's health check: importing moto and its
 * patches takes about 5 s on a quiet 2-core machine and over 30 s under a
 * load of 20 (several test runs at once); the wait ends as soon as it answers.
 */
const DEFAULT_START_TIMEOUT_MS = 120_000;

export interface MotoServerOptions {
  /** Fixed port; by default a free one is picked. */
  port?: number;
  /** Milliseconds to wait for the health check (default {@link DEFAULT_START_TIMEOUT_MS}). */
  startTimeoutMs?: number;
  /** Where pid files live (default `.haven/emulators`, or `HAVEN_STATE_DIR`). */
  stateDir?: string;
  venvDir?: string;
  /**
   * What a Retry's wait is multiplied by in the Step Functions interpreter
   * (default 1: the template's waits). The test suite shortens them
   * (test/setup/global.ts); the attempts, their order and the backoff
   * between them stay the template's.
   */
  retryWaitScale?: number;
}

const HEALTH_PATH = '/moto-api/data.json';
const PORT_RETRIES = 3;

class PortTakenWhileStarting extends Error {}

/** One moto server process. */
export class MotoServer {
  private child: ChildProcess | undefined;
  private record: PidRecord | undefined;
  private starting: Promise<string> | undefined;
  private stderrTail = '';
  /** On a normal exit of the owner, the server and its pid file go too (signals and SIGKILL skip this; the next start reaps). */
  private readonly exitHook = () => {
    this.child?.kill('SIGKILL');
    if (this.record) removePidFile(this.stateDir, this.record.pid);
  };

  constructor(private readonly options: MotoServerOptions = {}) {}

  /** The server's base URL, once started. */
  get endpoint(): string | undefined {
    return this.record ? `http://${HOST}:${this.record.port}` : undefined;
  }

  /** The server's pid, once started. */
  get pid(): number | undefined {
    return this.record?.pid;
  }

  /**
   * Starts the server (installing moto first when needed) and waits until it
   * answers. Calling it again, even before the first call has finished,
   * returns the same endpoint while the server runs.
   * @returns the endpoint URL, e.g. `http://127.0.0.1:41234`
   * @throws EmulatorPortInUseError when the fixed `port` is taken; EmulatorStartError when moto does not come up
   */
  start(): Promise<string> {
    if (this.starting) return this.starting;
    if (this.endpoint && this.isRunning()) return Promise.resolve(this.endpoint);
    this.starting = this.startFresh().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the server: SIGTERM, then SIGKILL after 5 s; removes its pid file. Waits for a start in progress first. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.kill();
  }

  private get stateDir(): string {
    return this.options.stateDir ?? defaultStateDir;
  }

  private isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async startFresh(): Promise<string> {
    await this.kill(); // a server that died on its own leaves a record and a pid file
    const venv = this.options.venvDir ?? defaultVenvDir;
    ensureEmulatorInstalled((line) => process.stderr.write(`[emulator] ${line}\n`), venv);
    await reapOrphans(this.stateDir);
    const port = this.options.port;
    if (port !== undefined) {
      if (!(await isPortFree(port))) throw new EmulatorPortInUseError(port);
      return this.launch(port, venv).catch((error: unknown) => {
        throw error instanceof PortTakenWhileStarting ? new EmulatorPortInUseError(port) : error;
      });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launch(await freePort(), venv);
      } catch (error) {
        if (!(error instanceof PortTakenWhileStarting) || attempt >= PORT_RETRIES) throw error;
      }
    }
  }

  private async kill(): Promise<void> {
    const record = this.record;
    process.off('exit', this.exitHook);
    this.record = undefined;
    this.child = undefined;
    if (!record) return;
    await terminate(record.pid);
    removePidFile(this.stateDir, record.pid);
  }

  private async launch(port: number, venv: string): Promise<string> {
    this.stderrTail = '';
    // moto_launcher.py: moto with Step Functions execution on and Lambda served by local function hosts.
    const child = spawn(venvPython(venv), [MOTO_LAUNCHER, HOST, String(port), String(this.options.retryWaitScale ?? 1)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-8192);
    });
    if (child.pid === undefined) {
      const spawnError: Error = await new Promise((resolve) => child.once('error', resolve));
      throw new EmulatorStartError(`could not run ${venvPython(venv)} (moto in ${motoServerBin(venv)}'s virtualenv): ${spawnError.message}`, { cause: spawnError });
    }
    this.child = child;
    const ownerStartTime = processStartTime(process.pid);
    this.record = {
      pid: child.pid,
      port,
      owner: process.pid,
      ...(ownerStartTime === undefined ? {} : { ownerStartTime }),
      startedAt: new Date().toISOString(),
    };
    writePidFile(this.stateDir, this.record);
    process.off('exit', this.exitHook);
    process.on('exit', this.exitHook);
    try {
      await this.waitHealthy(child, port);
    } catch (error) {
      await this.kill();
      throw error;
    }
    return `http://${HOST}:${port}`;
  }

  private async waitHealthy(child: ChildProcess, port: number): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (/address already in use|is in use by another program/i.test(this.stderrTail)) throw new PortTakenWhileStarting();
        throw new EmulatorStartError(
          `moto exited while starting (${child.exitCode === null ? `signal ${child.signalCode}` : `code ${child.exitCode}`}): ${this.stderrTail.trim()}`,
        );
      }
      try {
        const response = await fetch(`http://${HOST}:${port}${HEALTH_PATH}`, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new EmulatorStartError(`moto did not answer on port ${port} within the start timeout`);
  }
}
