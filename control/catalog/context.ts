/** What every part of the catalog shares: the table, the client and the clock. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient } from '../../vault/aws/clients.js';
import { InvalidRecordError } from './errors.js';

/** What the catalog needs of a document client (tests may pass a wrapper). */
export type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** Options of a catalog. */
export interface CatalogOptions {
  /** The clock (injectable for tests). @default `() => new Date()` */
  now?: () => Date;
  /** The document client. @default the factory's `dynamoDbDocumentClient()` */
  client?: DocumentClient;
  /** Most items one DynamoDB Query evaluates while listing (1–1000). @default 100 */
  queryPageSize?: number;
}

/** The resolved options, passed to every catalog operation. */
export interface CatalogContext {
  readonly table: string;
  readonly doc: DocumentClient;
  readonly now: () => Date;
  readonly queryPageSize: number;
  /** The clock's time as a stored timestamp. */
  timestamp(): string;
}

/**
 * @param table - the catalog table's name
 * @param options - overrides
 * @returns the context every operation runs in
 */
export function catalogContext(table: string, options: CatalogOptions = {}): CatalogContext {
  const queryPageSize = options.queryPageSize ?? 100;
  if (!Number.isInteger(queryPageSize) || queryPageSize < 1 || queryPageSize > 1000) {
    throw new InvalidRecordError(`queryPageSize must be an integer from 1 to 1000, not ${queryPageSize}`);
  }
  const now = options.now ?? (() => new Date());
  return {
    table,
    doc: options.client ?? dynamoDbDocumentClient(),
    now,
    queryPageSize,
    timestamp: () => now().toISOString(),
  };
}
