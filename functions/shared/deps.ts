/** Builds the workflow steps' dependencies from the function's settings, once per container. */
import { Catalog } from '../../control/catalog/catalog.js';
import { FileKeyProvider } from '../../vault/keys/file-key-provider.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';
import { openObjectStore, parseStoreUri } from '../../vault/storage/open-store.js';
import { S3ObjectLocker } from '../../vault/storage/s3-object-lock.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { backupSourceFor, restoreTargetFor } from '../../control/workflows/sources.js';
import { vaultOpener } from '../../control/workflows/vault-opener.js';
import { readSettings, type FunctionSettings } from './env.js';
import { outcomePublisher } from './notify.js';

/** Wires the steps to AWS (or the emulator) from settings. */
export function workflowDeps(settings: FunctionSettings = readSettings()): WorkflowDeps {
  const provider = settings.kmsKeyId ? new KmsKeyProvider(settings.kmsKeyId) : new FileKeyProvider(settings.keyFile!);
  const catalog = new Catalog(settings.catalogTable);
  return {
    catalog,
    vault: vaultOpener(openObjectStore(settings.vaultUri), provider),
    vaultUri: settings.vaultUri,
    source: backupSourceFor,
    target: restoreTargetFor,
    // Metrics are written even with events off; SNS only with a topic.
    publish: outcomePublisher(catalog, settings),
    now: () => new Date(),
    ...objectLocker(settings),
    ...(settings.scratchBucket ? { scratchBucket: settings.scratchBucket } : {}),
  };
}

/** Object Lock on an S3 vault, when the deployment turned it on. */
function objectLocker(settings: FunctionSettings): Pick<WorkflowDeps, 'objectLock'> {
  const location = parseStoreUri(settings.vaultUri);
  if (!settings.objectLockMode || location.kind !== 's3') return {};
  return { objectLock: new S3ObjectLocker(location.bucket, location.prefix, settings.objectLockMode) };
}

let cached: WorkflowDeps | undefined;

/** The container's dependencies (built on first use, reused across invocations). */
export function containerDeps(): WorkflowDeps {
  cached ??= workflowDeps();
  return cached;
}
