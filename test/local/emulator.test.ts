import type { TestContext as VitestContext } from 'vitest';
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorPortInUseError } from '../../local/emulator/errors.js';
import { MotoServer, isAlive } from '../../local/emulator/moto-server.js';

type TestContext = Pick<VitestContext, 'onTestFinished'>;

async function tempStateDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'haven-emulator-'));
  t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A server that is stopped when the test ends, whatever happens. */
function server(t: TestContext, stateDir: string, options: { port?: number } = {}): MotoServer {
  const s = new MotoServer({ stateDir, ...options });
  t.onTestFinished(() => s.stop());
  return s;
}

function pidFiles(stateDir: string): string[] {
  return existsSync(stateDir) ? readdirSync(stateDir).filter((f) => f.endsWith('.json')).sort() : [];
}

/** Pids of running moto servers listening on `port` (Linux: from /proc). */
function motoPidsOnPort(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // moto_launcher.py HOST PORT
      const launcher = args.findIndex((a) => a.endsWith('moto_launcher.py'));
      if (launcher >= 0 && args[launcher + 2] === String(port) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

test('starting twice on one instance returns the same endpoint and runs one process', async (t) => {
  // Prepare
  const stateDir = await tempStateDir(t);
  const s = server(t, stateDir);

  // Act
  const [a, b] = await Promise.all([s.start(), s.start()]);
  const third = await s.start();

  // Assess
  assert.equal(a, b);
  assert.equal(third, a);
  assert.match(a, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(pidFiles(stateDir), [`${s.pid}.json`]);
  assert.deepEqual(motoPidsOnPort(portOf(a)), [s.pid]);
  const response = await fetch(`${a}/moto-api/data.json`);
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

test('two instances get different ports and both keep running', async (t) => {
  // Prepare
  const stateDir = await tempStateDir(t);
  const first = server(t, stateDir);
  const second = server(t, stateDir);

  // Act
  const a = await first.start();
  const b = await second.start();

  // Assess
  assert.notEqual(portOf(a), portOf(b));
  assert.notEqual(first.pid, second.pid);
  assert.ok(isAlive(first.pid ?? -1), 'the second start did not reap a server whose owner lives');
  assert.deepEqual(pidFiles(stateDir), [`${first.pid}.json`, `${second.pid}.json`].sort());
});

test('a port already in use is EmulatorPortInUseError, leaving no pid file', async (t) => {
  // Prepare
  const stateDir = await tempStateDir(t);
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  assert.ok(address && typeof address === 'object');

  // Act
  const starting = server(t, stateDir, { port: address.port }).start();

  // Assess
  await assert.rejects(starting, (error: unknown) => {
    assert.ok(error instanceof EmulatorPortInUseError);
    assert.equal(error.port, address.port);
    return true;
  });
  assert.deepEqual(pidFiles(stateDir), []);
});

test('after an unclean exit the next start reaps the orphaned server and stale pid files', async (t) => {
  // Prepare
  const stateDir = await tempStateDir(t);
  const fixture = fileURLToPath(new URL('./fixtures/moto-owner.ts', import.meta.url));
  const owner = spawn(process.execPath, ['--import', 'tsx', fixture, stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.onTestFinished(() => {
    owner.kill('SIGKILL');
  });
  const line: string = await new Promise((resolve, reject) => {
    let out = '';
    owner.stdout.setEncoding('utf8');
    owner.stdout.on('data', (text: string) => {
      out += text;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    owner.once('exit', (code) => reject(new Error(`fixture exited early (code ${code})`)));
  });
  const orphan = JSON.parse(line) as { pid: number; endpoint: string };
  t.onTestFinished(() => {
    if (isAlive(orphan.pid)) process.kill(orphan.pid, 'SIGKILL');
  });

  // The owner dies without a chance to stop its server.
  const exited = new Promise((resolve) => owner.once('exit', resolve));
  owner.kill('SIGKILL');
  await exited;
  assert.ok(isAlive(orphan.pid), 'the orphaned moto server outlives its owner');
  assert.ok(existsSync(join(stateDir, `${orphan.pid}.json`)));

  // A stale pid file of a server that is long gone.
  const gone = spawn('true');
  await new Promise((resolve) => gone.once('exit', resolve));
  const stalePid = gone.pid ?? 0;
  await writeFile(join(stateDir, `${stalePid}.json`), JSON.stringify({ pid: stalePid, port: 1, owner: stalePid, startedAt: '' }));

  const next = server(t, stateDir);

  // Act
  await next.start();

  // Assess
  assert.ok(!isAlive(orphan.pid), 'the orphan was stopped');
  assert.deepEqual(pidFiles(stateDir), [`${next.pid}.json`], 'orphan and stale pid files removed');
});

/** A started server of the test's own, and its pid. */
async function startedServer(t: TestContext): Promise<{ stateDir: string; s: MotoServer; pid: number }> {
  const stateDir = await tempStateDir(t);
  const s = server(t, stateDir);
  await s.start();
  const pid = s.pid ?? -1;
  assert.ok(isAlive(pid));
  return { stateDir, s, pid };
}

test('stop removes the process and its pid file', async (t) => {
  // Prepare
  const { stateDir, s, pid } = await startedServer(t);

  // Act
  await s.stop();

  // Assess
  assert.ok(!isAlive(pid));
  assert.deepEqual(pidFiles(stateDir), []);
  assert.equal(s.endpoint, undefined);
});

test('stop is idempotent', async (t) => {
  // Prepare
  const { stateDir, s } = await startedServer(t);
  await s.stop();

  // Act
  const stopping = s.stop();

  // Assess
  await assert.doesNotReject(stopping);
  assert.deepEqual(pidFiles(stateDir), []);
  assert.equal(s.endpoint, undefined);
});

test('a stopped server starts again, as a new process', async (t) => {
  // Prepare
  const { s, pid } = await startedServer(t);
  await s.stop();
  await s.stop();

  // Act
  const again = await s.start();

  // Assess
  assert.ok(again.startsWith('http://127.0.0.1:'));
  assert.notEqual(s.pid, pid);
});
