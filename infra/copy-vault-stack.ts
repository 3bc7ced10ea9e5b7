/**
 * A copy vault's bucket and KMS key, deployed on their own in another region
 * or account (docs/COPIES.md, "Copy vaults in another region or account").
 * The bucket has the primary vault bucket's secure defaults (it is the same
 * {@link VaultBucket} construct: SSE-KMS under its own key, public access
 * blocked, TLS only, versioned, server access logs, optional Object Lock);
 * the key is a {@link VaultKey} of its own. Both trust the Haven
 * deployment's roles: by ARN when given, else every role of the Haven stack
 * (`arn:aws:iam::<account>:role/<stack name>-*`, the names CloudFormation
 * gives the roles CDK creates), so the copy vault can be deployed before the
 * Haven stack exists. Haven's own identity policies still decide which
 * function does what; these policies are the ceiling the owning account sets.
 *
 * The Haven stack learns the copy vault through `haven:vaultBuckets`
 * (bucket, region, kmsKeyArn from this stack's outputs).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { InvalidPropsError } from './errors.js';
import { anyVaultKeys, DEFAULT_VAULT_PREFIX, OBJECT_LOCK_ACTIONS, VAULT_KEY_ACTIONS, VAULT_OBJECT_ACTIONS, VaultAccess, VaultBucket, type ObjectLockSettings } from './constructs/vault-bucket.js';
import { VaultKey } from './constructs/vault-key.js';

/** The output names of a {@link CopyVaultStack}: what `haven:vaultBuckets` needs. */
export const CopyVaultOutput = {
  Bucket: 'CopyVaultBucketName',
  KeyArn: 'CopyVaultKeyArn',
  Region: 'CopyVaultRegion',
} as const;

/** Props of {@link CopyVaultStack}. */
export interface CopyVaultStackProps extends StackProps {
  /** The account of the Haven deployment that uses this vault. @default this stack's account */
  readonly trustedAccount?: string;
  /** The Haven stack's name: every role it creates is trusted (`role/<name>-*`). Ignored with `trustedRoleArns`. @default `Haven` */
  readonly trustedStackName?: string;
  /** The Haven deployment's roles, by ARN, instead of the stack-name pattern. @default none */
  readonly trustedRoleArns?: readonly string[];
  /** Object Lock default retention on the bucket; off when omitted. */
  readonly objectLock?: ObjectLockSettings;
  /** The key's alias. @default `alias/<stack name>-vault` (lower case) */
  readonly keyAlias?: string;
}

/** The KMS actions the trusted roles may use on the copy vault key (DescribeKey: the API's check of a job's `encryption.key_id`). */
export const COPY_VAULT_KEY_ACTIONS: readonly string[] = [...VAULT_KEY_ACTIONS[VaultAccess.Prune], 'kms:DescribeKey'];

/** A copy vault: its bucket and key, trusting a Haven deployment's roles. */
export class CopyVaultStack extends Stack {
  readonly vaultKey: VaultKey;
  readonly vault: VaultBucket;
  /** The principal the policies trust. */
  readonly trusted: iam.IPrincipal;
  /** The condition on that principal (the role-name pattern), when it names no role. */
  readonly trustCondition?: Record<string, Record<string, string>>;

  /**
   * @param scope - the app
   * @param id - the stack id
   * @param props - whom to trust, Object Lock and the alias
   * @throws InvalidPropsError when a trusted role ARN is not a role ARN
   */
  constructor(scope: Construct, id: string, props: CopyVaultStackProps = {}) {
    super(scope, id, { description: 'Haven: a copy vault (bucket and KMS key) for another region or account', ...props });
    this.vaultKey = new VaultKey(this, 'VaultKey', props.keyAlias ? { alias: props.keyAlias } : {});
    this.vault = new VaultBucket(this, 'Vault', { encryptionKey: this.vaultKey.key, objectLock: props.objectLock });
    const account = props.trustedAccount ?? this.account;
    for (const arn of props.trustedRoleArns ?? []) {
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new InvalidPropsError(`trustedRoleArns: ${JSON.stringify(arn)} is not an IAM role ARN`);
    }
    if (props.trustedRoleArns?.length) {
      this.trusted = new iam.CompositePrincipal(...props.trustedRoleArns.map((arn) => new iam.ArnPrincipal(arn)));
    } else {
      this.trusted = new iam.AccountPrincipal(account);
      this.trustCondition = { ArnLike: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${account}:role/${props.trustedStackName ?? 'Haven'}-*` } };
    }
    const conditions = this.trustCondition ? { conditions: this.trustCondition } : {};
    const objectActions = [...VAULT_OBJECT_ACTIONS[VaultAccess.Prune], ...(props.objectLock ? OBJECT_LOCK_ACTIONS : [])];
    this.vault.bucket.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'HavenVaultObjects', principals: [this.trusted], actions: objectActions, resources: [this.vault.bucket.arnForObjects(anyVaultKeys())], ...conditions }),
    );
    this.vault.bucket.addToResourcePolicy(new iam.PolicyStatement({ sid: 'HavenVaultList', principals: [this.trusted], actions: ['s3:ListBucket'], resources: [this.vault.bucket.bucketArn], ...conditions }));
    this.vaultKey.key.addToResourcePolicy(new iam.PolicyStatement({ sid: 'HavenVaultKeyUse', principals: [this.trusted], actions: [...COPY_VAULT_KEY_ACTIONS], resources: ['*'], ...conditions }));

    new CfnOutput(this, CopyVaultOutput.Bucket, { value: this.vault.bucket.bucketName, description: 'The copy vault bucket (haven:vaultBuckets bucket)' });
    new CfnOutput(this, CopyVaultOutput.KeyArn, { value: this.vaultKey.key.keyArn, description: 'The copy vault key (haven:vaultBuckets kmsKeyArn)' });
    new CfnOutput(this, CopyVaultOutput.Region, { value: this.region, description: 'The copy vault region (haven:vaultBuckets region)' });
  }

  /** The copy vault's default vault prefix, as `haven:vaultBuckets` `defaultPrefix` takes it. */
  static readonly defaultPrefix = DEFAULT_VAULT_PREFIX;
}
