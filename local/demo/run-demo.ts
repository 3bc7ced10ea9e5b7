/**
 * The demo round trip on a local stack: seed a table and a prefix, back
 * both up, change 1% of the items, back up again (incremental), verify the
 * vault, restore both backups of each into new targets, and compare them
 * exactly with what they held at backup time.
 */
import { checkVault } from '../../vault/checker/checker.js';
import type { ExecutionRecord, JobRecord, NewJob, RestoreDestination, SourceConfig } from '../../control/catalog/types.js';
import { encodeItem } from '../../sources/dynamodb/item-codec.js';
import { scanAll } from '../compare/dynamodb-table.js';
import { describePrefix } from '../compare/s3-prefix.js';
import { randomBytes } from 'node:crypto';
import { LocalCloud } from '../cloud/cloud.js';
import { followProgress } from './progress.js';
import { demoItem, seedPrefix, seedTable, writeItems } from './seed-data.js';
import { printSummary, type SummaryRow } from './summary.js';

/** Sizes of the demo. */
export interface DemoOptions {
  items: number;
  bigFileBytes: number;
}

/** What the demo did, and whether every restore matched. */
export interface DemoOutcome {
  ok: boolean;
  cloud: LocalCloud;
  rows: SummaryRow[];
}

function job(name: string, source: SourceConfig): NewJob {
  return {
    job_name: name,
    description: 'Haven demo',
    backup_type: 'incremental',
    source,
    destination: { type: 'vault' },
    schedule: { frequency: 'daily', time: '02:00', timezone: 'America/Toronto', enabled: false },
    retention: { days: 30, weeks: 12, months: 12 },
    compression: { enabled: true, algorithm: 'zstd', level: 3 },
    encryption: { enabled: true, algorithm: 'AES-256-GCM' },
    verification: { enabled: true, checksum_verification: true, integrity_check: true, test_restore: false },
    notifications: { on_success: true, on_failure: true, on_warning: false, recipients: [] },
    created_by: 'demo',
  };
}

async function backup(cloud: LocalCloud, j: JobRecord, label: string): Promise<ExecutionRecord> {
  const done = cloud.workflows.wait(await cloud.workflows.start('backup', { job_id: j.job_id, trigger: 'manual' }));
  await followProgress(label, async () => (await cloud.catalog.listExecutions({ job_id: j.job_id, limit: 1 })).items[0], done);
  const execution = await done;
  const record = (await cloud.catalog.listExecutions({ job_id: j.job_id, limit: 1 })).items[0]!;
  if (execution.status !== 'SUCCEEDED') throw new Error(`${label} failed: ${record.error?.code ?? execution.error}: ${record.error?.message ?? execution.cause}`);
  return record;
}

async function restore(cloud: LocalCloud, backupId: string, destination: RestoreDestination, label: string): Promise<number> {
  const record = await cloud.catalog.restores.create({ restore_name: label, backup_id: backupId, destination, restore_options: { conflict_policy: 'fail_if_exists', create_missing_tables: true }, created_by: 'demo' });
  const done = cloud.workflows.wait(await cloud.workflows.start('restore', { restore_id: record.restore_id }));
  await followProgress(label, () => cloud.catalog.restores.get(record.restore_id), done);
  const execution = await done;
  const after = await cloud.catalog.restores.get(record.restore_id);
  if (execution.status !== 'SUCCEEDED') throw new Error(`${label} failed: ${after.error?.code ?? execution.error}: ${after.error?.message ?? execution.cause}`);
  return after.result?.records_restored ?? 0;
}

function expectedTable(items: number, changed: (i: number) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < items; i++) {
    const item = demoItem(i, changed(i) ? 2 : 1);
    out.set(`${item.pk!.S}|${item.sk!.S}`, encodeItem(item));
  }
  return out;
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** Runs the round trip; never throws for a mismatch (it reports it), only for a failed step. */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // The demo's tables and bucket are granted to the stack through the template's context keys, as a
  // deployment's cdk.json lists them, so they are named before the stack is synthesized.
  const suffix = randomBytes(4).toString('hex');
  const table = `demo-customers-${suffix}`;
  const bucket = `demo-files-${suffix}`;
  const targets = { fullTable: `${table}-restored-full`, incrTable: `${table}-restored-incremental` };
  say('synthesizing the CDK template and deploying it into the emulator …');
  const cloud = await LocalCloud.start({ name: 'haven-demo', sourceTables: [table], sourceBuckets: [bucket], restoreTables: Object.values(targets), restoreBuckets: [bucket] });
  say(`stack ${cloud.deployment.stackName}: ${cloud.deployment.functions.length} functions, ${cloud.deployment.stateMachines.length} state machines, IAM enforced`);
  say(`vault ${cloud.vaultUri} (KMS key ${cloud.kmsKeyArn}), catalog table ${cloud.catalogTable}`);
  say(`seeding ${options.items.toLocaleString('en')} items into table ${table} …`);
  await seedTable(table, options.items);
  const seededBytes = await seedPrefix(bucket, 'files/', options.bigFileBytes);
  say(`seeded s3://${bucket}/files/ with 6 files (${(seededBytes / 1048576).toFixed(1)} MiB, one of ${(options.bigFileBytes / 1048576).toFixed(1)} MiB)`);

  const ddbJob = await cloud.catalog.createJob(job('Demo customers table', { type: 'dynamodb', table_name: table }));
  const s3Job = await cloud.catalog.createJob(job('Demo files prefix', { type: 's3', bucket, prefix: 'files/' }));
  const fullTable = await backup(cloud, ddbJob, 'backup table (first)');
  const fullFiles = await backup(cloud, s3Job, 'backup files (first)');

  // 1% of the customers, one block of ids (say, a region's accounts updated by a batch job). In moto a
  // scan returns items in insertion order, so the block stays together; DynamoDB's hash order would
  // scatter it over more chunks (docs/ARCHITECTURE.md).
  const first = Math.floor(options.items / 2);
  const changed = (i: number) => i >= first && i < first + Math.max(1, Math.floor(options.items / 100));
  const changedItems = Array.from({ length: options.items }, (_, i) => i).filter(changed);
  await writeItems(table, changedItems, (i) => demoItem(i, 2));
  say(`changed ${changedItems.length.toLocaleString('en')} items (1%)`);
  const incrTable = await backup(cloud, ddbJob, 'backup table (incremental)');
  const incrFiles = await backup(cloud, s3Job, 'backup files (incremental)');

  const report = await checkVault(await cloud.deps.vault(), { readData: true });
  say(`vault check --read-data: ${report.ok ? 'no errors' : `${report.issues.length} problems`} (${report.snapshots} snapshots, ${report.packs} packs, ${report.blobsChecked} blobs authenticated)`);

  const restoredFull = await restore(cloud, fullTable.backup_id, { type: 'dynamodb', table_name: targets.fullTable }, 'restore table (first backup)');
  const restoredIncr = await restore(cloud, incrTable.backup_id, { type: 'dynamodb', table_name: targets.incrTable }, 'restore table (incremental)');
  await restore(cloud, fullFiles.backup_id, { type: 's3', bucket, prefix: 'restored-full/' }, 'restore files (first backup)');
  await restore(cloud, incrFiles.backup_id, { type: 's3', bucket, prefix: 'restored-incremental/' }, 'restore files (incremental)');

  say('comparing restored data with the originals …');
  const sameFullTable = sameMap(await scanAll(targets.fullTable), expectedTable(options.items, () => false));
  const sameIncrTable = sameMap(await scanAll(targets.incrTable), expectedTable(options.items, changed));
  const originalFiles = await describePrefix(bucket, 'files/');
  const sameFullFiles = sameMap(await describePrefix(bucket, 'restored-full/'), originalFiles);
  const sameIncrFiles = sameMap(await describePrefix(bucket, 'restored-incremental/'), originalFiles);

  const rows: SummaryRow[] = [
    { what: 'table, first', backup: fullTable, first: true, restored: restoredFull, identical: sameFullTable },
    { what: 'table, incremental', backup: incrTable, first: false, restored: restoredIncr, identical: sameIncrTable },
    { what: 'files, first', backup: fullFiles, first: true, restored: originalFiles.size, identical: sameFullFiles },
    { what: 'files, incremental', backup: incrFiles, first: false, restored: originalFiles.size, identical: sameIncrFiles },
  ];
  printSummary(rows, report.ok);
  if (cloud.denials.length > 0) say(`IAM denied ${cloud.denials.length} calls: ${cloud.denials.map((d) => `${d.principal} ${d.decision.denied?.request.action ?? d.operation}`).join('; ')}`);
  return { ok: report.ok && rows.every((r) => r.identical && cloud.denials.length === 0), cloud, rows };
}
