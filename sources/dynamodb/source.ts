/**
 * A DynamoDB table as a backup source: described by DescribeTable and
 * DescribeTimeToLive, split into parallel-scan segments, each exported as
 * DynamoDB JSON lines (see `item-codec.ts`), one chunk per Scan page.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand, ScanCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../vault/aws/clients.js';
import { InvalidSourceConfigError } from '../errors.js';
import type { BackupSource, PartitionPlan, RecordCounter } from '../source.js';
import { mapDynamoDbError } from './errors.js';
import type { Item } from './item-codec.js';
import { encodeItemLines } from './item-lines.js';
import { parseSegmentSpec, segmentCount, segmentPlans, type DynamoDbPlanOptions } from './plan.js';
import { schemaOf, type DynamoDbDescription } from './table-schema.js';

/** What to back up. */
export interface DynamoDbSourceConfig {
  table: string;
  /** Strongly consistent scans (twice the read capacity; default false). */
  consistent_read?: boolean;
  /** Items per Scan page (default: DynamoDB's 1 MB pages). */
  page_size?: number;
}

/** Injection points. */
export interface DynamoDbSourceOptions {
  /** The client to use; by default the shared one from `dynamoDbClient()` (adaptive retries on throttling). */
  client?: DynamoDBClient;
}

/**
 * DescribeTable of `table`.
 * @throws SourceNotFoundError for an unknown table, other typed source errors for the rest
 */
export async function describeTable(client: DynamoDBClient, table: string): Promise<TableDescription> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: table }));
    if (!out.Table) throw new InvalidSourceConfigError(`DescribeTable ${table}: no table in the response`);
    return out.Table;
  } catch (error) {
    throw mapDynamoDbError(error, { table, operation: 'DescribeTable' });
  }
}

/** A DynamoDB table that Haven can back up. */
export class DynamoDbSource implements BackupSource {
  private readonly client: DynamoDBClient;

  constructor(
    readonly config: DynamoDbSourceConfig,
    options: DynamoDbSourceOptions = {},
  ) {
    if (!config.table) throw new InvalidSourceConfigError('a DynamoDB source needs a table name');
    if (config.page_size !== undefined && (!Number.isSafeInteger(config.page_size) || config.page_size < 1)) {
      throw new InvalidSourceConfigError(`page_size must be a positive integer, got ${config.page_size}`);
    }
    this.client = options.client ?? dynamoDbClient();
  }

  /**
   * Keys, attribute definitions, indexes, billing mode, stream, TTL, and the
   * approximate item count and size.
   * @throws SourceNotFoundError for an unknown table
   */
  async describe(): Promise<DynamoDbDescription> {
    const { table } = this.config;
    const description = await describeTable(this.client, table);
    let ttl;
    try {
      ttl = (await this.client.send(new DescribeTimeToLiveCommand({ TableName: table }))).TimeToLiveDescription;
    } catch (error) {
      throw mapDynamoDbError(error, { table, operation: 'DescribeTimeToLive' });
    }
    return {
      kind: 'dynamodb',
      table,
      ...(description.TableArn ? { table_arn: description.TableArn } : {}),
      item_count: description.ItemCount ?? 0,
      size_bytes: description.TableSizeBytes ?? 0,
      schema: schemaOf(description, ttl),
    };
  }

  /**
   * One scan segment per 128 MiB of table (DynamoDB's TableSizeBytes, updated
   * about every six hours), or exactly `options.segments`; see `segmentCount`.
   */
  async plan(options: DynamoDbPlanOptions = {}): Promise<PartitionPlan[]> {
    const description = await describeTable(this.client, this.config.table);
    return segmentPlans(segmentCount(description.TableSizeBytes ?? 0, options));
  }

  /**
   * Scans one segment, page by page, yielding each page's items as DynamoDB
   * JSON lines. Throttling is retried by the client; what still fails leaves
   * as a typed error.
   */
  async *export(partition: PartitionPlan, counter: RecordCounter): AsyncGenerator<Uint8Array> {
    const { segment, total } = parseSegmentSpec(partition);
    const { table } = this.config;
    let startKey: Item | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: total,
            ConsistentRead: this.config.consistent_read ?? false,
            ExclusiveStartKey: startKey,
            ...(this.config.page_size ? { Limit: this.config.page_size } : {}),
          }),
        );
      } catch (error) {
        throw mapDynamoDbError(error, { table, operation: 'Scan' });
      }
      const items = page.Items ?? [];
      startKey = page.LastEvaluatedKey;
      if (items.length === 0) continue;
      counter.records += items.length;
      yield encodeItemLines(items);
    } while (startKey);
  }
}
