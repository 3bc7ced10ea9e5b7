/**
 * Test fixtures of the catalog: a fresh table per test file (the CDK
 * construct's key schema and indexes, on demand), a settable clock, and
 * record inputs.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../../../vault/aws/clients.js';
import { Catalog } from '../../../control/catalog/catalog.js';
import type { CatalogOptions } from '../../../control/catalog/context.js';
import { TableLayout } from '../../../control/catalog/keys.js';
import { ExecutionTrigger, type NewExecution, type NewJob } from '../../../control/catalog/types.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';
import { serialClient, type SerialClient } from './serial-client.js';

function keySchema(partitionKey: string, sortKey: string): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    { AttributeName: sortKey, KeyType: 'RANGE' },
  ];
}

/** Creates a uniquely named catalog table and returns its name. */
export async function createCatalogTable(): Promise<string> {
  const name = `haven-catalog-test-${randomUUID()}`;
  const { gsi1, gsi2 } = TableLayout;
  const attributes = [TableLayout.partitionKey, TableLayout.sortKey, gsi1.partitionKey, gsi1.sortKey, gsi2.partitionKey, gsi2.sortKey];
  await dynamoDbClient().send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: keySchema(TableLayout.partitionKey, TableLayout.sortKey),
      GlobalSecondaryIndexes: [gsi1, gsi2].map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  return name;
}

/** A clock tests move by hand. */
export interface ManualClock {
  now: () => Date;
  /** Moves the clock forward. */
  advance(seconds: number): void;
}

/** A clock starting at `start`. */
export function manualClock(start = '2024-01-15T12:30:00.000Z'): ManualClock {
  let ms = Date.parse(start);
  return { now: () => new Date(ms), advance: (seconds) => void (ms += seconds * 1000) };
}

/** A catalog on a fresh table, with a manual clock. */
export interface FreshCatalog {
  catalog: Catalog;
  clock: ManualClock;
  table: string;
  /** The client the catalog uses: writes one at a time, as DynamoDB applies them per item (see `serial-client.ts`). */
  serial: SerialClient;
}

/** A catalog on a fresh table, with a manual clock and writes sent one at a time. */
export async function freshCatalog(options: CatalogOptions = {}): Promise<FreshCatalog> {
  const table = await createCatalogTable();
  const clock = manualClock();
  const serial = serialClient();
  return { catalog: new Catalog(table, { now: clock.now, client: serial.client, ...options }), clock, table, serial };
}

/** A job definition like the seed's, without secrets (the source names a Secrets Manager ARN). */
export function jobInput(overrides: Partial<NewJob> = {}): NewJob {
  return {
    job_name: 'Daily Database Backup',
    description: 'Daily backup of all database tables',
    backup_type: BackupType.Full,
    source: {
      type: 'postgres',
      secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:delivery-db-AbCdEf',
      tables: ['users', 'deliveries', 'payments'],
      exclude_tables: ['temp_*', 'log_*'],
    },
    destination: { type: 'vault', uri: 's3://haven-vault/vault' },
    schedule: { frequency: 'daily', time: '02:00', timezone: 'America/Toronto', enabled: true },
    retention: { days: 30, weeks: 12, months: 12, years: 7 },
    compression: { enabled: true, algorithm: 'zstd', level: 6 },
    encryption: { enabled: true, algorithm: 'AES-256-GCM', key_id: 'alias/haven-vault' },
    verification: { enabled: true, checksum_verification: true, integrity_check: true, test_restore: false },
    notifications: { on_success: true, on_failure: true, on_warning: false, recipients: ['ops@example.com'] },
    created_by: 'admin_123456789',
    ...overrides,
  };
}

/** An execution of a job. */
export function executionInput(jobId: string, overrides: Partial<NewExecution> = {}): NewExecution {
  return {
    job_id: jobId,
    job_name: 'Daily Database Backup',
    backup_type: BackupType.Full,
    trigger: ExecutionTrigger.Manual,
    execution_options: { priority: 'high', force_full_backup: false },
    ...overrides,
  };
}
