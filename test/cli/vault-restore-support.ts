/**
 * Shared fixtures of the `haven vault restore` tests: the CLI's program run
 * in this process (a child process costs seconds of start-up per run on a
 * loaded machine; test/cli/bin.test.ts runs the installed command), a source backed up
 * into a vault the way the backup workflow records it (the source's
 * configuration and its description in the snapshot, one partition per
 * planned part with its record count), and vaults with a KMS key or a key file.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { runBackup } from '../../vault/backup/run-backup.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { DEFAULT_COMPRESSION_ALGORITHM } from '../../vault/compression/settings.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import type { StoredSnapshot } from '../../vault/repository/vault.js';
import { Vault } from '../../vault/repository/vault.js';
import { BackupType } from '../../vault/snapshot/snapshot.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import type { BackupSource, PlanOptions, RecordCounter } from '../../sources/source.js';
import { runHaven } from '../../cli/run.js';
import { createKey } from '../helpers/kms.js';
import { uniqueName } from '../helpers/names.js';

/** What a run of the program ended with. */
export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `haven <args>` through its program entry (`runHaven`, as `cli/haven.ts` does), with
 * `env` set for the run, capturing what it writes on stdout and stderr.
 */
export async function runProgram(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<ProgramResult> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const setEnv = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  const captured = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stdout.write;
  setEnv(env);
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  process.exitCode = undefined;
  let code: number;
  try {
    await runHaven(['node', 'haven', ...args]);
    code = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.exitCode = undefined;
    setEnv(saved);
  }
  return { code, ...captured };
}

/** Backs `source` up into `vault` as the backup workflow records it; `config` is the job's source configuration. */
export async function backUpSource(vault: Vault, config: Record<string, unknown>, source: BackupSource, plan: PlanOptions = {}): Promise<StoredSnapshot> {
  const description = await source.describe();
  try {
    const partitions = await source.plan(plan);
    const counters: RecordCounter[] = partitions.map(() => ({ records: 0 }));
    return await runBackup(
      vault,
      { backupId: uniqueName('backup'), jobId: 'job_dr', type: BackupType.Full, source: { ...config, description }, compression: { algorithm: DEFAULT_COMPRESSION_ALGORITHM } },
      partitions.map((partition, i) => ({ name: partition.name, source: source.export(partition, counters[i]!), options: { records: () => counters[i]!.records } })),
    );
  } finally {
    await source.release?.(description);
  }
}

/** A new vault in a new bucket of the emulator, under a new KMS key: what a deployment's vault is. */
export async function kmsVault(): Promise<{ uri: string; vault: Vault }> {
  const bucket = uniqueName('dr-vault').toLowerCase().slice(0, 63);
  await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  const uri = `s3://${bucket}/vault`;
  const vault = await Vault.init(openObjectStore(uri), new KmsKeyProvider(await createKey('dr restore test')), { chunker: { ...DEFAULT_CHUNKER_PARAMS } });
  return { uri, vault };
}
