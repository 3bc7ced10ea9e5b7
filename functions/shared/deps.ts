/** Builds the workflow steps' dependencies from the function's settings, once per container. */
import { Catalog } from '../../control/catalog/catalog.js';
import { kmsClient, s3Client } from '../../vault/aws/clients.js';
import { FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { openObjectStore } from '../../vault/storage/open-store.js';
import type { ObjectLocker } from '../../vault/storage/object-lock.js';
import { S3ObjectStore } from '../../vault/storage/s3-store.js';
import { S3ObjectLocker } from '../../vault/storage/s3-object-lock.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { backupSourceFor, restoreTargetFor } from '../../control/workflows/sources.js';
import { vaultsOpener, type VaultConnection } from '../../control/workflows/vault-opener.js';
import { copyVaultsOpener } from '../../control/workflows/copy/copy-vault-opener.js';
import { primaryVaultBucket, VaultRegistry, type VaultLocation } from '../../control/vaults/registry.js';
import { readSettings, type FunctionSettings } from './env.js';
import { outcomePublisher } from './notify.js';

/** Wires the steps to AWS (or the emulator) from settings. */
export function workflowDeps(settings: FunctionSettings = readSettings()): WorkflowDeps {
  const vaults = registryOf(settings);
  const catalog = new Catalog(settings.catalogTable);
  const lockers = new Map<string, ObjectLocker | undefined>();
  return {
    catalog,
    vaults,
    vault: vaultsOpener(vaults, (location) => connect(location, settings)),
    copyVault: copyVaultsOpener((location) => connect(location, settings)),
    objectLock: (location = vaults.primary()) => {
      if (!lockers.has(location.uri)) lockers.set(location.uri, lockerOf(location));
      return lockers.get(location.uri);
    },
    source: backupSourceFor,
    target: restoreTargetFor,
    // Metrics are written even with events off; SNS only with a topic.
    publish: outcomePublisher(catalog, settings),
    now: () => new Date(),
    ...(settings.scratchBucket ? { scratchBucket: settings.scratchBucket } : {}),
  };
}

/** The deployment's vaults: the primary from the vault URI and key, the others from `HAVEN_VAULT_BUCKETS`. */
function registryOf(settings: FunctionSettings): VaultRegistry {
  const primary = primaryVaultBucket(settings.vaultUri, {
    region: settings.region ?? '',
    kmsKeyId: settings.kmsKeyId ?? '',
    ...(settings.objectLockMode ? { objectLockMode: settings.objectLockMode } : {}),
  });
  return new VaultRegistry([primary, ...(settings.vaultBuckets ?? [])]);
}

/** The store of a vault (its packs in the location's storage class) and the key provider of its bucket. */
function connect(location: VaultLocation, settings: FunctionSettings): VaultConnection {
  const { bucket } = location;
  const region = bucket.region ? { region: bucket.region } : {};
  const provider = bucket.kmsKeyId ? new KmsKeyProvider(bucket.kmsKeyId, { client: kmsClient(region) }) : new FileKeyProvider(settings.keyFile!);
  if (bucket.bucket.startsWith('file:')) return { store: openObjectStore(location.uri), provider };
  const store = new S3ObjectStore(bucket.bucket, location.prefix, { client: s3Client(region), ...(location.storageClass ? { packStorageClass: location.storageClass } : {}) });
  return { store, provider };
}

/** Object Lock on a vault whose bucket has it. */
function lockerOf(location: VaultLocation): ObjectLocker | undefined {
  const { bucket } = location;
  if (!bucket.objectLockMode || bucket.bucket.startsWith('file:')) return undefined;
  return new S3ObjectLocker(bucket.bucket, location.prefix, bucket.objectLockMode, s3Client(bucket.region ? { region: bucket.region } : {}));
}

let cached: WorkflowDeps | undefined;

/** The container's dependencies (built on first use, reused across invocations). */
export function containerDeps(): WorkflowDeps {
  cached ??= workflowDeps();
  return cached;
}
