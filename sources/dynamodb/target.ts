/**
 * A DynamoDB table as a restore target. `prepare` (once per restore) checks
 * or creates the table; `restore` (once per partition, possibly in parallel
 * in other processes) reads DynamoDB JSON lines and writes them:
 *
 * - `overwrite` and `fail_if_exists`: BatchWriteItem, 25 items a call,
 *   several calls in flight, UnprocessedItems retried (see `batch-write.ts`).
 *   `fail_if_exists` was settled by `prepare`; its writes are plain puts, so a
 *   partition that is retried after a failure can write again.
 * - `skip_existing`: one conditional PutItem per item (see `conditional-put.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { batches } from '../batches.js';
import { InvalidSourceConfigError, RestoreConflictError, SourceNotFoundError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry.js';
import { ConflictPolicy, type RestorePrepareOptions, type RestoreResult, type RestoreTarget, type RestoreWriteOptions } from '../source.js';
import { TaskPool } from '../task-pool.js';
import { batchPut, MAX_BATCH_WRITE_ITEMS } from './batch-write.js';
import { putIfAbsent } from './conditional-put.js';
import type { Item } from './item-codec.js';
import { readItems } from './item-lines.js';
import { describeTable } from './source.js';
import { assertSameKeys, createTable, findTable, hasItems, waitUntilActive } from './table-setup.js';
import { keyAttributesOf, parseDescription } from './table-schema.js';

/** Where to restore. */
export interface DynamoDbTargetConfig {
  table: string;
}

/** Injection points and tuning. */
export interface DynamoDbTargetOptions {
  /** The client to use; by default the shared one from `dynamoDbClient()`. */
  client?: DynamoDBClient;
  /** Retries of UnprocessedItems (default `DEFAULT_RETRY_POLICY`). */
  retry?: RetryPolicy;
}

/** BatchWriteItem calls in flight by default. */
export const DEFAULT_BATCH_CONCURRENCY = 4;
/** Conditional PutItem calls in flight by default (`skip_existing`). */
export const DEFAULT_PUT_CONCURRENCY = 16;

/** A DynamoDB table that Haven can restore into. */
export class DynamoDbRestoreTarget implements RestoreTarget {
  private readonly client: DynamoDBClient;
  private readonly retry: RetryPolicy;

  constructor(
    readonly config: DynamoDbTargetConfig,
    options: DynamoDbTargetOptions = {},
  ) {
    if (!config.table) throw new InvalidSourceConfigError('a DynamoDB restore target needs a table name');
    this.client = options.client ?? dynamoDbClient();
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /**
   * Makes the table ready for the restore of a table `described` by `DynamoDbSource.describe`.
   * A missing table is created from the description when `create_missing_tables`
   * is set (an existing table is never altered).
   * @throws SourceNotFoundError when the table is missing and may not be created
   * @throws InvalidSourceConfigError when the description is not a DynamoDB one or the table's keys differ
   * @throws RestoreConflictError for `fail_if_exists` when the table holds any item (nothing was written)
   */
  async prepare(options: RestorePrepareOptions, described: Record<string, unknown>): Promise<void> {
    const { table } = this.config;
    const { schema } = parseDescription(described);
    const existing = await findTable(this.client, table);
    if (!existing) {
      if (!options.create_missing_tables) throw new SourceNotFoundError(`dynamodb table ${table}`);
      // A table we created is empty; one somebody else created meanwhile is checked like any other.
      if (await createTable(this.client, table, schema)) return;
    } else if (existing.TableStatus === 'CREATING') {
      await waitUntilActive(this.client, table);
    }
    assertSameKeys(existing ?? (await describeTable(this.client, table)), schema, table);
    if (options.conflict_policy === ConflictPolicy.FailIfExists && (await hasItems(this.client, table))) {
      throw new RestoreConflictError(`dynamodb table ${table} is not empty and the conflict policy is fail_if_exists`);
    }
  }

  /** Writes the items of one partition's stream; see the module comment for how each policy writes. */
  async restore(stream: AsyncIterable<Uint8Array>, options: RestoreWriteOptions): Promise<RestoreResult> {
    const result: RestoreResult = { records: 0, skipped: 0 };
    const skip = options.conflict_policy === ConflictPolicy.SkipExisting;
    const write = skip ? await this.conditionalWriter(result) : this.batchWriter(result);
    const pool = new TaskPool(options.concurrency ?? (skip ? DEFAULT_PUT_CONCURRENCY : DEFAULT_BATCH_CONCURRENCY));
    try {
      for await (const group of batches(readItems(stream), skip ? 1 : MAX_BATCH_WRITE_ITEMS)) await pool.submit(() => write(group));
      await pool.drain();
    } finally {
      await pool.settle();
    }
    return result;
  }

  private batchWriter(result: RestoreResult): (items: Item[]) => Promise<void> {
    return async (items) => {
      await batchPut(this.client, this.config.table, items, this.retry);
      result.records += items.length;
    };
  }

  private async conditionalWriter(result: RestoreResult): Promise<(items: Item[]) => Promise<void>> {
    const { table } = this.config;
    const hashKey = keyAttributesOf(await describeTable(this.client, table)).hash.name;
    return async (items) => {
      for (const item of items) {
        if (await putIfAbsent(this.client, table, hashKey, item)) result.records += 1;
        else result.skipped += 1;
      }
    };
  }
}
