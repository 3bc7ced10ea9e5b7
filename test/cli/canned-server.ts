/**
 * A tiny HTTP server that answers with canned responses, for testing the
 * CLI's own behaviour (retries, error display, --wait, paging). It is a
 * test of the CLI, not of AWS or of Haven's API: the end-to-end test
 * against the real local API is api-cli.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A canned answer. */
export interface Canned {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection instead of answering. */
  destroy?: boolean;
}

/** Picks the answer to a request. */
export type Responder = (request: SeenRequest, index: number) => Canned;

/** A running canned server. */
export interface CannedServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * @param respond - picks each answer
 * @returns the server, listening on a free loopback port
 */
export async function cannedServer(respond: Responder): Promise<CannedServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      const answer = respond(seen, requests.length - 1);
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
