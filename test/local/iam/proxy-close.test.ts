/**
 * Closing the IAM proxy returns at once, even with a connection in the
 * middle of a request: a local stack's close must not wait for a request
 * that will never end, nor for a keep-alive connection's 30 s timeout
 * (e2e/postgres-failures closed its stack 31 s late).
 */
import { expect, test } from 'vitest';
import { connect } from 'node:net';
import { startHarness } from './proxy-harness.js';

test('close returns at once while a request is still arriving', async () => {
  // Prepare
  const h = await startHarness();
  const { hostname, port } = new URL(h.proxy.url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  // Headers announce a body that never comes: the request stays in flight.
  socket.write(`PUT /bucket/key HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: 100\r\n\r\n`);
  await new Promise((resolve) => setTimeout(resolve, 500));

  // Act
  const started = Date.now();
  await h.close();
  const closedMs = Date.now() - started;

  // Assess
  expect(closedMs).toBeLessThan(5_000);
  socket.destroy();
}, 30_000);
