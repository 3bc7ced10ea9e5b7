/**
 * `haven vault …`: the disaster-recovery path. These commands need only the
 * vault (bucket or directory) and access to its key (KMS or a key file); no
 * catalog, no deployed stack.
 */
import { Command, Option } from 'commander';
import { createReadStream } from 'node:fs';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { checkVault } from '../../vault/checker/checker.js';
import { COMPRESSION_ALGORITHMS, DEFAULT_COMPRESSION_ALGORITHM, describeCompressionLevels, type CompressionAlgorithm } from '../../vault/compression/settings.js';
import { runBackup } from '../../vault/backup/run-backup.js';
import { FileKeyProvider, createKeyFile } from '../../vault/keys/file-key-provider.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import { Vault } from '../../vault/repository/vault.js';
import { UsageError } from '../api/errors.js';
import { formatBytes, progressLine, table } from '../output.js';
import { keyOptions, openVault, type KeyOptions } from './open.js';
import { restoreCommand } from './restore-command.js';
import { copyCommand } from './copy.js';

/** Builds the `vault` command group. */
export function vaultCommand(): Command {
  const vault = new Command('vault').description('work directly on a vault: init, ls, check, restore (no catalog needed)');

  keyOptions(vault.command('init').argument('<uri>', 's3://bucket/prefix, file:///path or a path'))
    .option('--create-key-file', 'create the --key-file first (offline vaults)')
    .description('create a vault (config and first key)')
    .action(async (uri: string, opts: KeyOptions & { createKeyFile?: boolean }) => {
      if (!opts.kmsKey && !opts.keyFile) throw new UsageError('give --kms-key or --key-file');
      if (opts.createKeyFile && opts.keyFile) await createKeyFile(opts.keyFile);
      const provider = opts.kmsKey ? new KmsKeyProvider(opts.kmsKey) : new FileKeyProvider(opts.keyFile!);
      const created = await Vault.init(openObjectStore(uri), provider, { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
      process.stdout.write(`created vault ${created.config.id} at ${created.store.uri}\n`);
    });

  keyOptions(vault.command('ls').argument('<uri>'))
    .option('--json', 'print JSON')
    .description('list snapshots, oldest first')
    .action(async (uri: string, opts: KeyOptions & { json?: boolean }) => {
      const v = await openVault(uri, opts);
      const snapshots = await v.listSnapshots();
      if (opts.json) {
        const rows = snapshots.map(({ id, snapshot: s }) => ({ id, backup_id: s.backup_id, job_id: s.job_id, type: s.type, created_at: s.created_at, partitions: s.partitions.map((p) => ({ name: p.name, size: p.size, records: p.records })), stats: s.stats }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const rows = snapshots.map(({ id, snapshot: s }) => [id.slice(0, 12), s.created_at, s.type, s.job_id, s.backup_id, String(s.partitions.length), formatBytes(s.stats.bytes_read), formatBytes(s.stats.bytes_stored)]);
      process.stdout.write(`${table(['id', 'created', 'type', 'job', 'backup', 'parts', 'size', 'added'], rows)}\n`);
    });

  keyOptions(vault.command('check').argument('<uri>'))
    .option('--read-data', 'download every pack and authenticate every blob')
    .option('--json', 'print the report as JSON')
    .description('check structure (and with --read-data, all data); exits 1 when damage is found')
    .action(async (uri: string, opts: KeyOptions & { readData?: boolean; json?: boolean }) => {
      const v = await openVault(uri, opts);
      const progress = progressLine('checking packs');
      const report = await checkVault(v, { readData: Boolean(opts.readData), onProgress: (done, total) => progress.update(`${done}/${total}`) });
      progress.done();
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(`${report.snapshots} snapshots, ${report.indexes} index objects, ${report.packs} packs; read ${report.packsRead} packs (${formatBytes(report.bytesRead)}), ${report.blobsChecked} blobs\n`);
        if (report.unreferencedPacks.length > 0) process.stdout.write(`${report.unreferencedPacks.length} unreferenced packs (prune removes them)\n`);
        for (const issue of report.issues) process.stdout.write(`DAMAGE ${issue.kind}: ${issue.message}${issue.snapshots.length ? ` (affects ${issue.snapshots.map((s) => s.slice(0, 12)).join(', ')})` : ''}\n`);
        process.stdout.write(report.ok ? 'no errors found\n' : `${report.issues.length} problems; damaged snapshots: ${report.damagedSnapshots.map((s) => s.slice(0, 12)).join(', ')}\n`);
      }
      if (!report.ok) process.exitCode = 1;
    });

  vault.addCommand(restoreCommand());
  vault.addCommand(copyCommand());

  keyOptions(vault.command('backup').argument('<uri>').argument('<file>', "input file, or '-' for standard input"))
    .requiredOption('--job <id>', 'job id recorded in the snapshot')
    .option('--partition <name>', 'partition name', 'data')
    .addOption(new Option('--type <type>', 'backup type').choices(Object.values(BackupType)).default(BackupType.Incremental))
    .addOption(new Option('--compression <algorithm>', 'chunk compression').choices(COMPRESSION_ALGORITHMS).default(DEFAULT_COMPRESSION_ALGORITHM))
    .option('--level <n>', `compression level: ${describeCompressionLevels()}`, (v) => Number.parseInt(v, 10))
    .description('back up a file or standard input into a vault (for ad-hoc and offline use)')
    .action(async (uri: string, file: string, opts: KeyOptions & { job: string; partition: string; type: BackupType; compression: CompressionAlgorithm; level?: number }) => {
      const v = await openVault(uri, opts);
      const progress = progressLine('backing up');
      const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
      const stored = await runBackup(
        v,
        {
          backupId: `backup_${Date.now().toString(36)}`,
          jobId: opts.job,
          type: opts.type,
          source: { kind: 'file', name: file === '-' ? 'stdin' : file },
          compression: { algorithm: opts.compression, ...(opts.level ? { level: opts.level } : {}) },
          onProgress: (p) => progress.update(`${formatBytes(p.bytesRead)} read, ${formatBytes(p.bytesStored)} new`),
        },
        [{ name: opts.partition, source: input }],
      );
      progress.done();
      const s = stored.snapshot.stats;
      process.stdout.write(`snapshot ${stored.id} (${stored.snapshot.type}): read ${formatBytes(s.bytes_read)}, new ${formatBytes(s.bytes_new)}, stored ${formatBytes(s.bytes_stored)}\n`);
    });

  return vault;
}
