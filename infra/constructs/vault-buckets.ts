/**
 * The deployment's vault buckets besides the stack's own (infra config
 * `vaultBuckets`, context `haven:vaultBuckets`): buckets and KMS keys made
 * elsewhere (another stack, region or account) that jobs may name in
 * `destination.bucket` (control/vaults/registry.ts). The functions learn
 * them from {@link HavenEnv.VaultBuckets} and get the same vault access on
 * them and their keys as on the primary.
 */
import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { HavenEnv } from '../../control/env.js';
import type { PackStorageClass } from '../../vault/storage/storage-class.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { anyVaultKeys, OBJECT_LOCK_ACTIONS, VAULT_KEY_ACTIONS, VAULT_OBJECT_ACTIONS, VaultAccess, type ObjectLockMode } from './vault-bucket.js';

/** One of the deployment's additional vault buckets. */
export interface ExtraVaultBucket {
  /** The bucket's name. */
  readonly bucket: string;
  /** Its region. */
  readonly region: string;
  /** The prefix of its default vault, without slashes at either end (`''`: the bucket's root). @default `vault` */
  readonly defaultPrefix?: string;
  /** The KMS key (ARN) wrapping the keys of its vaults. */
  readonly kmsKeyArn: string;
  /** The class packs written to it take by default. @default STANDARD */
  readonly storageClass?: PackStorageClass;
  /** Its S3 Object Lock mode, when it has Object Lock. */
  readonly objectLockMode?: ObjectLockMode;
}

/**
 * The functions' {@link HavenEnv.VaultBuckets} variable for these buckets
 * (none when there are none, so a default deployment sets nothing).
 *
 * @param buckets - the additional buckets
 * @returns the variable, or an empty record
 */
export function vaultBucketsEnvironment(buckets: readonly ExtraVaultBucket[] | undefined): Record<string, string> {
  if (!buckets || buckets.length === 0) return {};
  const entries = buckets.map((b) => ({
    bucket: b.bucket,
    region: b.region,
    default_prefix: b.defaultPrefix ?? 'vault',
    kms_key_arn: b.kmsKeyArn,
    ...(b.storageClass ? { storage_class: b.storageClass } : {}),
    ...(b.objectLockMode ? { object_lock_mode: b.objectLockMode } : {}),
  }));
  return { [HavenEnv.VaultBuckets]: JSON.stringify(entries) };
}

/**
 * The staging areas of every vault in the additional buckets, where the
 * workflows' Distributed Maps read item lists (a prune of a vault there, a
 * backup into one).
 *
 * @param scope - any construct of the stack
 * @param buckets - the additional buckets
 * @returns the object ARNs
 */
export function vaultBucketsStagingArns(scope: IConstruct, buckets: readonly ExtraVaultBucket[] | undefined): string[] {
  const stack = Stack.of(scope);
  return (buckets ?? []).flatMap((b) => [anyVaultKeys('staging'), ...(b.defaultPrefix === '' ? ['staging/*'] : [])].map((keys) => Arn.format({ service: 's3', region: '', account: '', resource: b.bucket, resourceName: keys }, stack)));
}

/** Options of {@link grantVaultBuckets}. */
export interface VaultBucketsGrantOptions {
  /** Also delete under each vault's `staging/`. @default false */
  readonly clearStaging?: boolean;
  /** Also delete snapshots (the API's single-backup delete). @default false */
  readonly deleteSnapshots?: boolean;
}

/**
 * Grants a function the access it has on the primary vault bucket on every
 * additional bucket and its key: the level's object actions on every vault
 * in the bucket, `s3:ListBucket`, the level's key actions; staging deletes,
 * snapshot deletes and (prune, on a bucket with Object Lock) the retention
 * actions as asked.
 *
 * @param role - the function's role
 * @param access - the level
 * @param buckets - the additional buckets
 * @param options - staging and snapshot deletes
 */
export function grantVaultBuckets(role: iam.IRole & IConstruct, access: VaultAccess, buckets: readonly ExtraVaultBucket[] | undefined, options: VaultBucketsGrantOptions = {}): void {
  if (!buckets || buckets.length === 0 || access === VaultAccess.None) return;
  const stack = Stack.of(role);
  const objects = (bucket: string, keys: string) => Arn.format({ service: 's3', region: '', account: '', resource: bucket, resourceName: keys }, stack);
  const wildcards: string[] = [];
  for (const b of buckets) {
    const all = objects(b.bucket, anyVaultKeys());
    const actions = [...VAULT_OBJECT_ACTIONS[access], ...(access === VaultAccess.Prune && b.objectLockMode ? OBJECT_LOCK_ACTIONS : [])];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [all] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [Arn.format({ service: 's3', region: '', account: '', resource: b.bucket }, stack)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...VAULT_KEY_ACTIONS[access]], resources: [b.kmsKeyArn] }));
    wildcards.push(all);
    const folders = [...(options.clearStaging && access !== VaultAccess.Prune ? (['staging'] as const) : []), ...(options.deleteSnapshots ? (['snapshots'] as const) : [])];
    for (const folder of folders) {
      const arns = [objects(b.bucket, anyVaultKeys(folder)), ...(b.defaultPrefix === '' ? [objects(b.bucket, `${folder}/*`)] : [])];
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: arns }));
      wildcards.push(...arns);
    }
  }
  acknowledgeWildcardResources(role, wildcards, 'Scoped wildcard: the objects of the vaults in the deployment\'s additional vault buckets (jobs choose a vault path at run time).');
}
