/**
 * Copy vaults of the local cloud: the copy vault stack
 * (infra/copy-vault-stack.ts) provisioned in another region, before the
 * Haven stack, which then learns it through `haven:vaultBuckets` as a
 * deployment does. moto keeps KMS keys per region (a key made in region B
 * answers only calls signed for region B) and records the bucket's location
 * constraint; the local cloud has one account, so cross-account trust is
 * only synthesized (docs/COPIES.md).
 */
import type { ExtraVaultBucket } from '../../infra/constructs/vault-buckets.js';
import type { ObjectLockSettings } from '../../infra/constructs/vault-bucket.js';
import { CopyVaultOutput, CopyVaultStack } from '../../infra/copy-vault-stack.js';
import { LocalStackError } from '../node-version.js';
import type { Deployment } from './deployment.js';
import { provision, type ProvisionTargets } from './provision.js';
import { loadCopyVaultTemplate } from './template-cache.js';
import { LOCAL_ENV } from './env.js';

/** A copy vault the local cloud deploys (option `copyVaults` of `LocalCloud.start`). */
export interface CopyVaultRequest {
  /** Its region; not the local cloud's own. */
  readonly region: string;
  /** Object Lock default retention on its bucket. */
  readonly objectLock?: ObjectLockSettings;
}

/** A deployed copy vault. */
export interface LocalCopyVault {
  readonly region: string;
  /** Its bucket's name. */
  readonly bucket: string;
  /** Its key's ARN (in its region). */
  readonly kmsKeyArn: string;
  /** Its default vault's URI, `s3://<bucket>/vault/`. */
  readonly uri: string;
  /** Its bucket's Object Lock mode, when it has Object Lock. */
  readonly objectLockMode?: ObjectLockSettings['mode'];
  /** The copy vault stack as provisioned. */
  readonly deployment: Deployment;
}

/**
 * Provisions one copy vault stack per request, each in its region, trusting
 * the Haven stack `trustedStackName`.
 *
 * @param requests - the regions (and Object Lock)
 * @param trustedStackName - the Haven stack's name
 * @param targets - where the emulator-side pieces are
 * @throws LocalStackError for a request in the local cloud's own region
 */
export async function provisionCopyVaults(requests: readonly CopyVaultRequest[], trustedStackName: string, targets: ProvisionTargets): Promise<LocalCopyVault[]> {
  return Promise.all(
    requests.map(async (request, i) => {
      if (request.region === LOCAL_ENV.region) throw new LocalStackError(`a copy vault goes in another region than the local cloud's (${LOCAL_ENV.region})`);
      const stackName = `${trustedStackName}-copy${i}-${request.region}`;
      const template = await loadCopyVaultTemplate({ stackName, trustedStackName, region: request.region, ...(request.objectLock ? { objectLock: request.objectLock } : {}) });
      const deployment = await provision(template, targets, { account: LOCAL_ENV.account, region: request.region });
      const bucket = deployment.outputs[CopyVaultOutput.Bucket]!;
      return {
        region: request.region,
        bucket,
        kmsKeyArn: deployment.outputs[CopyVaultOutput.KeyArn]!,
        uri: `s3://${bucket}/${CopyVaultStack.defaultPrefix}/`,
        ...(request.objectLock ? { objectLockMode: request.objectLock.mode } : {}),
        deployment,
      };
    }),
  );
}

/** The `haven:vaultBuckets` entries of the copy vaults. */
export function copyVaultBuckets(copies: readonly LocalCopyVault[]): ExtraVaultBucket[] {
  return copies.map((c) => ({
    bucket: c.bucket,
    region: c.region,
    kmsKeyArn: c.kmsKeyArn,
    defaultPrefix: CopyVaultStack.defaultPrefix,
    ...(c.objectLockMode ? { objectLockMode: c.objectLockMode } : {}),
  }));
}

/**
 * Adds the copy vaults' bucket and key policies, bucket keys and aliases to
 * the Haven deployment's, which the IAM proxy reads: a call on a copy vault
 * is then decided by its own resource policies with the caller's.
 *
 * @param main - the Haven stack's deployment
 * @param copies - the copy vaults
 */
export function joinCopyVaults(main: Deployment, copies: readonly LocalCopyVault[]): void {
  for (const { deployment } of copies) {
    for (const [arn, policy] of deployment.resourcePolicies) main.resourcePolicies.set(arn, policy);
    for (const [bucket, key] of deployment.bucketKeys) main.bucketKeys.set(bucket, key);
    for (const [alias, key] of deployment.aliases) main.aliases.set(alias, key);
  }
}
