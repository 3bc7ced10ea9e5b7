/**
 * Closing the function host ends what it runs and returns at once: the
 * emulator may still hold keep-alive connections, invocations in flight and
 * invocations queued for a container (a Parallel's other branch, a retry),
 * and none of them may keep a test's `afterAll` waiting (CI: a holder loop
 * kept `cloud.close()` past vitest's 600 s hook timeout).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from '../../../local/functions/bundle.js';
import { CONTAINER_MAIN_SOURCE } from '../../../local/functions/container.js';
import { FunctionHost, HostClosingError, type HostedFunction } from '../../../local/functions/host.js';

const ENTRY = fileURLToPath(new URL('../fixtures/wait-handler.ts', import.meta.url));
/** Longer than the test's own timeout: an invocation left to finish would fail the test. */
const LONG_MS = 120_000;

let fn: HostedFunction;

beforeAll(async () => {
  const bundles = await bundleEntries([CONTAINER_MAIN_SOURCE, ENTRY]);
  fn = {
    name: 'wait',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:wait',
    path: 'Test/Wait/Function',
    entry: bundles.get(ENTRY)!,
    containerMain: bundles.get(CONTAINER_MAIN_SOURCE)!,
    handler: 'handler',
    environment: {},
    timeoutSeconds: 900,
    memoryMb: 128,
    logGroupName: '/aws/lambda/wait',
  };
});

let host: FunctionHost | undefined;
afterAll(() => host?.close());

test('close ends a running invocation and a queued one, returns at once, and runs nothing after', async () => {
  // Prepare
  host = new FunctionHost({ logDir: mkdtempSync(join(tmpdir(), 'haven-host-')), maxContainersPerFunction: 1 });
  host.register(fn);
  const url = `${await host.start()}/invoke/${fn.name}`;
  const post = (ms: number) =>
    fetch(url, { method: 'POST', body: JSON.stringify({ payload: { ms } }) }).then(
      (response) => response.status,
      () => 'connection closed',
    );
  const running = post(LONG_MS);
  // The first request claims the one container as soon as its body is read; the second then waits for it.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const queued = post(LONG_MS);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  // Act
  const started = Date.now();
  await host.close();
  const closedMs = Date.now() - started;

  // Assess
  expect(closedMs).toBeLessThan(10_000);
  for (const status of await Promise.all([running, queued])) expect([500, 'connection closed']).toContain(status);
  await expect(host.invoke(fn.name, { ms: 0 })).rejects.toBeInstanceOf(HostClosingError);
}, 60_000);
