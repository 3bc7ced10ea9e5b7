/**
 * Starts and stops a moto server bound to 127.0.0.1.
 *
 * Each server records a pid file (its pid, port and owner pid) in the state
 * directory. A start first reaps what an unclean exit left behind: pid files
 * of dead servers are removed, and servers whose owner died are stopped. Two
 * servers never share a port or a pid file, so a second start reuses nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatorPortInUseError, EmulatorStartError } from './errors.js';
import { ensureEmulatorInstalled, motoServerBin } from './install.js';
import { stateDir as defaultStateDir, venvDir as defaultVenvDir } from './paths.js';

/** How a server is started. */
export interface MotoServerOptions {
  /** Fixed port; by default a free one is picked. */
  port?: number;
  /** Milliseconds to wait for the health check (default 30 s). */
  startTimeoutMs?: number;
  stateDir?: string;
  venvDir?: string;
}

/** What a pid file records. */
export interface PidRecord {
  pid: number;
  port: number;
  owner: number;
  startedAt: string;
}

const HOST = '127.0.0.1';
const HEALTH_PATH = '/moto-api/data.json';
const PORT_RETRIES = 3;

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isMotoProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto_server');
  } catch {
    return isAlive(pid);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (!(await waitForExit(pid, 5_000))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(pid, 2_000);
  }
}

/**
 * Removes what an unclean exit left: pid files of dead servers, and servers
 * whose owning process has died. Servers of live owners are left alone.
 * @returns the number of orphaned servers stopped
 */
export async function reapOrphans(dir: string = defaultStateDir): Promise<number> {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return 0;
  }
  let stopped = 0;
  for (const file of entries) {
    const path = join(dir, file);
    let record: PidRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (!isAlive(record.pid) || !isMotoProcess(record.pid)) {
      rmSync(path, { force: true });
    } else if (!isAlive(record.owner)) {
      await terminate(record.pid);
      rmSync(path, { force: true });
      stopped += 1;
    }
  }
  return stopped;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when nothing is listening on the port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

class PortTakenWhileStarting extends Error {}

/** One moto server process. */
export class MotoServer {
  private child: ChildProcess | undefined;
  private record: PidRecord | undefined;
  private stderrTail = '';
  private readonly exitHook = () => this.child?.kill('SIGKILL');

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
   * answers. Calling it again on a running server returns the same endpoint.
   * @returns the endpoint URL, e.g. `http://127.0.0.1:41234`
   */
  async start(): Promise<string> {
    if (this.endpoint && this.child && this.child.exitCode === null) return this.endpoint;
    const venv = this.options.venvDir ?? defaultVenvDir;
    ensureEmulatorInstalled((line) => process.stderr.write(`[emulator] ${line}\n`), venv);
    await reapOrphans(this.stateDir);
    if (this.options.port !== undefined) {
      if (!(await isPortFree(this.options.port))) throw new EmulatorPortInUseError(this.options.port);
      return this.launch(this.options.port, venv).catch((error: unknown) => {
        throw error instanceof PortTakenWhileStarting ? new EmulatorPortInUseError(this.options.port ?? 0) : error;
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

  /** Stops the server: SIGTERM, then SIGKILL after 5 s; removes its pid file. */
  async stop(): Promise<void> {
    const record = this.record;
    process.off('exit', this.exitHook);
    this.record = undefined;
    this.child = undefined;
    if (!record) return;
    await terminate(record.pid);
    rmSync(this.pidFile(record.pid), { force: true });
  }

  private get stateDir(): string {
    return this.options.stateDir ?? defaultStateDir;
  }

  private pidFile(pid: number): string {
    return join(this.stateDir, `${pid}.json`);
  }

  private async launch(port: number, venv: string): Promise<string> {
    this.stderrTail = '';
    const child = spawn(motoServerBin(venv), ['-H', HOST, '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-8192);
    });
    if (child.pid === undefined) throw new EmulatorStartError(`could not run ${motoServerBin(venv)}`);
    this.child = child;
    this.record = { pid: child.pid, port, owner: process.pid, startedAt: new Date().toISOString() };
    mkdirSync(this.stateDir, { recursive: true });
    writeFileSync(this.pidFile(child.pid), JSON.stringify(this.record));
    process.on('exit', this.exitHook);
    try {
      await this.waitHealthy(child, port);
    } catch (error) {
      await this.stop();
      throw error;
    }
    return `http://${HOST}:${port}`;
  }

  private async waitHealthy(child: ChildProcess, port: number): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (/address already in use|is in use by another program/i.test(this.stderrTail)) throw new PortTakenWhileStarting();
        throw new EmulatorStartError(`moto exited while starting (code ${child.exitCode}): ${this.stderrTail.trim()}`);
      }
      try {
        const response = await fetch(`http://${HOST}:${port}${HEALTH_PATH}`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new EmulatorStartError(`moto did not answer on port ${port} within the start timeout`);
  }
}
