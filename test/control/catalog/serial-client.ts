/**
 * A document client for tests that sends writes one at a time.
 *
 * DynamoDB checks a write's condition and applies it atomically per item.
 * The emulator (moto's threaded server) does not: two concurrent
 * conditional updates of one item can both pass their condition. Sending
 * writes one at a time gives the emulator DynamoDB's guarantee back, so
 * race tests check the catalog's conditions, not the emulator's threads.
 * `hold()` also parks writes until `release()`, to make concurrent callers
 * all read before any of them writes.
 */
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient } from '../../../vault/aws/clients.js';
import type { DocumentClient } from '../../../control/catalog/context.js';

type Send = DynamoDBDocumentClient['send'];
type AnyCommand = Parameters<Send>[0];

/** A client whose writes run one at a time, and can be held back. */
export interface SerialClient {
  client: DocumentClient;
  /** Parks every write from now on until {@link SerialClient.release}. */
  hold(): void;
  /** Lets parked writes run, one at a time, in the order they arrived. */
  release(): void;
  /** Resolves once `count` writes are parked. */
  parked(count: number): Promise<void>;
}

/** Wraps a document client (default: the factory's) so writes run one at a time. */
export function serialClient(inner: DynamoDBDocumentClient = dynamoDbDocumentClient()): SerialClient {
  let tail: Promise<unknown> = Promise.resolve();
  let gate: Promise<void> | undefined;
  let open = () => {};
  let waiting = 0;
  let onPark = () => {};
  const isWrite = (c: AnyCommand): boolean => c instanceof PutCommand || c instanceof UpdateCommand || c instanceof DeleteCommand || c instanceof TransactWriteCommand;
  const send = (command: AnyCommand) => {
    if (!isWrite(command)) return inner.send(command);
    const held = gate;
    if (held) {
      waiting++;
      onPark();
    }
    const run = tail.then(() => held).then(() => inner.send(command));
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    client: { send: send as Send },
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      waiting = 0;
      open();
    },
    parked: (count) =>
      new Promise((resolve) => {
        onPark = () => waiting >= count && resolve();
        onPark();
      }),
  };
}
