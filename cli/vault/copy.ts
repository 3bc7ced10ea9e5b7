/**
 * `haven vault copy SRC DST`: copies snapshots from one vault into a copy
 * vault of it (vault/copy/), as the copy workflow will: only the chunks DST
 * lacks are read from SRC and written, the snapshot last, then verified in
 * DST. Each side names its own key and region (`--from-…`, `--to-…`);
 * without them, the KMS key recorded in each vault's key records is used,
 * in the region its ARN names. `--init` creates DST as a copy vault of SRC
 * when DST holds no vault yet.
 */
import { Command } from 'commander';
import { kmsClient, s3Client } from '../../vault/aws/clients.js';
import { VaultCopier, type CopyResult } from '../../vault/copy/copier.js';
import { initCopyVault } from '../../vault/copy/copy-vault.js';
import { CopyTargetMismatchError, SameVaultError } from '../../vault/copy/errors.js';
import { createKeyFile, FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import type { KeyProvider } from '../../vault/keys/key-provider.js';
import { KmsKeyProvider, kmsArnRegion } from '../../vault/keys/kms-key-provider.js';
import { keyProviderResolver } from '../../vault/keys/resolve-provider.js';
import { VaultNotFoundError } from '../../vault/repository/errors.js';
import { Vault } from '../../vault/repository/vault.js';
import type { ObjectStore } from '../../vault/storage/object-store.js';
import { openObjectStore, parseStoreUri } from '../../vault/storage/open-store.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import { CliError, UsageError } from '../api/errors.js';
import { ExitCode } from '../api/exit-codes.js';
import { formatBytes, printJson, progressLine } from '../output.js';

/** How one side of a copy is reached: its key and region. */
export interface SideOptions {
  keyFile?: string;
  kmsKey?: string;
  region?: string;
}

interface CopyFlags {
  snapshot: string;
  fromKeyFile?: string;
  fromKmsKey?: string;
  fromRegion?: string;
  toKeyFile?: string;
  toKmsKey?: string;
  toRegion?: string;
  init?: boolean;
  createKeyFile?: boolean;
  readData?: boolean;
  json?: boolean;
}

function kmsProvider(keyId: string, region: string | undefined): KmsKeyProvider {
  const chosen = kmsArnRegion(keyId) ?? region;
  return new KmsKeyProvider(keyId, { client: kmsClient(chosen ? { region: chosen } : {}) });
}

/** The store at a URI, with an S3 client for the side's region when one is given. */
export function storeFor(uri: string, region: string | undefined): ObjectStore {
  const store = openObjectStore(uri);
  const location = parseStoreUri(uri);
  if (!region || location.kind !== 's3') return store;
  return new S3ObjectStore(location.bucket, location.prefix, { client: s3Client({ region }) });
}

/** Resolves a key record's provider reference for one side: `kms:` in the key's region, `file:` with the side's key file. */
function sideResolver(side: SideOptions): (reference: string) => KeyProvider {
  const files = keyProviderResolver(side.keyFile ? { keyFile: side.keyFile } : {});
  const kms = new Map<string, KeyProvider>();
  return (reference) => {
    if (!reference.startsWith('kms:')) return files(reference);
    const keyId = side.kmsKey ?? reference.slice('kms:'.length);
    let provider = kms.get(keyId);
    if (!provider) kms.set(keyId, (provider = kmsProvider(keyId, side.region)));
    return provider;
  };
}

/** Opens the target, or with `--init` creates it as a copy vault of the source. */
async function openTarget(uri: string, side: SideOptions, source: Vault, flags: CopyFlags): Promise<{ vault: Vault; created: boolean }> {
  const store = storeFor(uri, side.region);
  try {
    return { vault: await Vault.open(store, sideResolver(side)), created: false };
  } catch (error) {
    if (!(error instanceof VaultNotFoundError) || !flags.init) {
      if (error instanceof VaultNotFoundError) throw new CliError(`${error.message}; pass --init to create it as a copy vault of the source`, ExitCode.NotFound, error.code, { cause: error });
      throw error;
    }
  }
  if (!side.kmsKey && !side.keyFile) throw new UsageError('--init needs the key of the new vault: --to-kms-key or --to-key-file');
  if (flags.createKeyFile && side.keyFile) await createKeyFile(side.keyFile);
  const provider = side.kmsKey ? kmsProvider(side.kmsKey, side.region) : new FileKeyProvider(side.keyFile!);
  return { vault: await initCopyVault(store, provider, source), created: true };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function summary(result: CopyResult): string {
  const src = result.sourceSnapshotId.slice(0, 12);
  const dst = result.targetSnapshotId.slice(0, 12);
  if (result.alreadyCopied) return `${src} already copied as ${dst}\n`;
  return (
    `${src} → ${dst}: ${count(result.blobsCopied, 'chunk')} copied (${formatBytes(result.plaintextBytesCopied)}), ${result.blobsPresent} already there; ` +
    `read ${formatBytes(result.bytesRead)}, wrote ${formatBytes(result.bytesWritten)} in ${count(result.packsWritten, 'pack')}, ${(result.durationMs / 1000).toFixed(1)} s` +
    `${result.packsVerified > 0 ? `; ${count(result.packsVerified, 'pack')} read back` : ''}\n`
  );
}

/** Runs `make`; a target that cannot take copies of the source is a usage error (exit 2). */
function usable<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof CopyTargetMismatchError || error instanceof SameVaultError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Builds `vault copy`. */
export function copyCommand(): Command {
  return new Command('copy')
    .argument('<src>', 'the vault to copy from (s3://bucket/prefix, file:///path or a path)')
    .argument('<dst>', 'the copy vault to copy into')
    .option('--snapshot <ref>', "snapshot id, unique prefix, 'latest', or 'all' (every snapshot, oldest first)", 'all')
    .option('--from-key-file <path>', "the source's key file (file-key vaults)")
    .option('--from-kms-key <id>', "KMS key id, ARN or alias for the source (default: the one recorded in its key records)")
    .option('--from-region <region>', "the source bucket's region (default: AWS_REGION); a KMS key ARN's own region wins for the key")
    .option('--to-key-file <path>', "the target's key file (file-key vaults; with --init, wraps the new vault's key)")
    .option('--to-kms-key <id>', 'KMS key id, ARN or alias for the target (with --init, wraps the new vault\'s key)')
    .option('--to-region <region>', "the target bucket's region (default: AWS_REGION)")
    .option('--init', 'create DST as a copy vault of SRC when it holds no vault')
    .option('--create-key-file', 'with --init and --to-key-file: create the key file first')
    .option('--read-data', 'after copying, read back every pack written and authenticate every blob in it')
    .option('--json', 'print a JSON summary on standard output')
    .description('copy snapshots into a copy vault (another region, account or directory): only missing chunks move, the snapshot last, verified')
    .action(async (src: string, dst: string, flags: CopyFlags) => {
      const from: SideOptions = { ...(flags.fromKeyFile ? { keyFile: flags.fromKeyFile } : {}), ...(flags.fromKmsKey ? { kmsKey: flags.fromKmsKey } : {}), ...(flags.fromRegion ? { region: flags.fromRegion } : {}) };
      const to: SideOptions = { ...(flags.toKeyFile ? { keyFile: flags.toKeyFile } : {}), ...(flags.toKmsKey ? { kmsKey: flags.toKmsKey } : {}), ...(flags.toRegion ? { region: flags.toRegion } : {}) };
      const source = await Vault.open(storeFor(src, from.region), sideResolver(from));
      const { vault: target, created } = await openTarget(dst, to, source, flags);
      const refs = flags.snapshot === 'all' ? (await source.listSnapshots()).map((s) => s.id) : [flags.snapshot];
      const progress = progressLine('copying');
      const copier = usable(() => new VaultCopier(source, target, {
        readData: Boolean(flags.readData),
        onProgress: (p) => progress.update(`${p.snapshot.slice(0, 12)}: ${p.blobs}/${p.blobsToCopy} chunks, ${formatBytes(p.bytesWritten)} written`),
      }));
      const results: CopyResult[] = [];
      for (const ref of refs) {
        const result = await copier.copy(ref);
        results.push(result);
        if (!flags.json) process.stdout.write(summary(result));
      }
      progress.done();
      const sum = (key: 'blobsCopied' | 'bytesRead' | 'bytesWritten') => results.reduce((n, r) => n + r[key], 0);
      const totals = { snapshots: results.length, copied: results.filter((r) => !r.alreadyCopied).length, blobsCopied: sum('blobsCopied'), bytesRead: sum('bytesRead'), bytesWritten: sum('bytesWritten') };
      if (flags.json) printJson({ source: source.store.uri, target: target.store.uri, targetCreated: created, results, totals });
      else if (results.length === 0) process.stdout.write('the source has no snapshots\n');
    });
}
