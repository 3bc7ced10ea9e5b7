/**
 * A throwaway PostgreSQL server for tests and the bench: `initdb` into a
 * temporary data directory, `pg_ctl start` on a free port of 127.0.0.1 with
 * password (SCRAM) authentication, `pg_ctl stop` at the end. Uses Debian's
 * `postgresql` package (`/usr/lib/postgresql/<version>/bin`). PostgreSQL
 * refuses to run as root, so as root the server runs as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, HOST } from '../emulator/ports.js';

/** How to reach the server (the superuser's password is a throwaway one). */
export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** The environment variable that hands the endpoint to test processes (JSON). */
export const POSTGRES_ENV = 'HAVEN_TEST_POSTGRES';

/** The directory of PostgreSQL's binaries (newest installed version), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')));
  return dir;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A PostgreSQL server in a data directory this object owns. */
export class PostgresServer {
  private dir: string | undefined;
  private endpointValue: PostgresEndpoint | undefined;
  private readonly bin: string;
  private readonly runAs = postgresUser();

  constructor(bin = postgresBinDir()) {
    if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
    this.bin = bin;
  }

  /** The running server's endpoint. */
  get endpoint(): PostgresEndpoint {
    if (!this.endpointValue) throw new Error('the PostgreSQL server is not running');
    return this.endpointValue;
  }

  private run(tool: string, args: string[]): string {
    return execFileSync(join(this.bin, tool), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.dir,
      ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
    });
  }

  /** Creates the cluster and starts it; returns its endpoint. */
  async start(): Promise<PostgresEndpoint> {
    const dir = mkdtempSync(join(tmpdir(), 'haven-pg-'));
    this.dir = dir;
    const password = `pw${Math.random().toString(36).slice(2)}`;
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (this.runAs) {
      chownSync(dir, this.runAs.uid, this.runAs.gid);
      chownSync(pwfile, this.runAs.uid, this.runAs.gid);
    }
    const data = join(dir, 'data');
    this.run('initdb', ['-D', data, '-U', 'haven', '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const options = [`-p ${port}`, `-k ${dir}`, `-c listen_addresses=${HOST}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=100', '-c shared_buffers=64MB'].join(' ');
    this.run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    this.endpointValue = { host: HOST, port, user: 'haven', password, database: 'postgres' };
    return this.endpointValue;
  }

  /** Stops the server (fast shutdown) and removes its data directory. */
  async stop(): Promise<void> {
    if (!this.dir) return;
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.endpointValue = undefined;
  }
}
