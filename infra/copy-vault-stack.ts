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
import type { Construct, Node } from 'constructs';
import { HavenContextKey } from './config.js';
import { InvalidContextError, InvalidPropsError } from './errors.js';
import { anyVaultKeys, DEFAULT_VAULT_PREFIX, ObjectLockMode, OBJECT_LOCK_ACTIONS, VAULT_KEY_ACTIONS, VAULT_OBJECT_ACTIONS, VaultAccess, VaultBucket, type ObjectLockSettings } from './constructs/vault-bucket.js';
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

/** Whom a copy vault trusts: a Haven deployment's account, and its roles by ARN or by stack name. */
export interface CopyVaultTrust {
  /** The Haven deployment's account. */
  readonly account: string;
  /** The Haven stack's name (its roles are `role/<name>-*`). @default `Haven` */
  readonly stackName?: string;
  /** The roles by ARN instead. */
  readonly roleArns?: readonly string[];
  /** The partition. @default `aws` */
  readonly partition?: string;
}

/** One statement of a resource policy, as JSON. */
export interface PolicyStatementJson {
  Sid: string;
  Effect: 'Allow';
  Principal: { AWS: string | string[] };
  Action: string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/**
 * The statements a copy vault's owner adds to its bucket policy and key
 * policy so a Haven deployment can use it (docs/COPIES.md prints them for
 * an example account; a test keeps the two equal): the vault actions of the
 * prune level (read, write, abort uploads, delete; the Object Lock retention
 * actions with Object Lock) on every object, `s3:ListBucket` and
 * `s3:ListBucketVersions` (verification checks a pack was never
 * overwritten) on the bucket, and the key actions Haven's functions call.
 *
 * @param bucketArn - the copy vault bucket's ARN
 * @param trust - the deployment's account and roles
 * @param objectLock - whether the bucket has Object Lock
 * @returns the bucket policy's and the key policy's statements
 */
export function copyVaultPolicies(bucketArn: string, trust: CopyVaultTrust, objectLock = false): { bucket: PolicyStatementJson[]; key: PolicyStatementJson[] } {
  const partition = trust.partition ?? 'aws';
  const byRole = trust.roleArns !== undefined && trust.roleArns.length > 0;
  const principal = { AWS: byRole ? [...trust.roleArns!] : `arn:${partition}:iam::${trust.account}:root` };
  const condition = byRole ? {} : { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${trust.account}:role/${trust.stackName ?? 'Haven'}-*` } } };
  const statement = (sid: string, actions: readonly string[], resource: string): PolicyStatementJson => ({ Sid: sid, Effect: 'Allow', Principal: principal, Action: [...actions], Resource: resource, ...condition });
  return {
    bucket: [
      statement('HavenVaultObjects', [...VAULT_OBJECT_ACTIONS[VaultAccess.Prune], ...(objectLock ? OBJECT_LOCK_ACTIONS : [])], `${bucketArn}/${anyVaultKeys()}`),
      statement('HavenVaultList', ['s3:ListBucket', 's3:ListBucketVersions'], bucketArn),
    ],
    key: [statement('HavenVaultKeyUse', COPY_VAULT_KEY_ACTIONS, '*')],
  };
}

/** A copy vault: its bucket and key, trusting a Haven deployment's roles. */
export class CopyVaultStack extends Stack {
  readonly vaultKey: VaultKey;
  readonly vault: VaultBucket;

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
    for (const arn of props.trustedRoleArns ?? []) {
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new InvalidPropsError(`trustedRoleArns: ${JSON.stringify(arn)} is not an IAM role ARN`);
    }
    const trust = { account: props.trustedAccount ?? this.account, partition: this.partition, ...(props.trustedStackName ? { stackName: props.trustedStackName } : {}), ...(props.trustedRoleArns ? { roleArns: props.trustedRoleArns } : {}) };
    const policies = copyVaultPolicies(this.vault.bucket.bucketArn, trust, props.objectLock !== undefined);
    for (const statement of policies.bucket) this.vault.bucket.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
    for (const statement of policies.key) this.vaultKey.key.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));

    new CfnOutput(this, CopyVaultOutput.Bucket, { value: this.vault.bucket.bucketName, description: 'The copy vault bucket (haven:vaultBuckets bucket)' });
    new CfnOutput(this, CopyVaultOutput.KeyArn, { value: this.vaultKey.key.keyArn, description: 'The copy vault key (haven:vaultBuckets kmsKeyArn)' });
    new CfnOutput(this, CopyVaultOutput.Region, { value: this.region, description: 'The copy vault region (haven:vaultBuckets region)' });
  }

  /** The copy vault's default vault prefix, as `haven:vaultBuckets` `defaultPrefix` takes it. */
  static readonly defaultPrefix = DEFAULT_VAULT_PREFIX;
}

/**
 * The copy vault stack's settings from context `haven:copyVault` (a JSON
 * object, or a string holding one as `-c` passes it): `region`, and
 * optionally `account`, `trustedAccount`, `trustedStackName`,
 * `trustedRoleArns`, `objectLockMode` with `objectLockDays`.
 *
 * @param node - the app's node
 * @returns the stack's props (with its `env`), or undefined when the key is unset
 * @throws InvalidContextError when the value is malformed
 */
export function copyVaultFromContext(node: Node): CopyVaultStackProps | undefined {
  const key = HavenContextKey.CopyVault;
  let raw = node.tryGetContext(key) as unknown;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw new InvalidContextError(key, 'must be a JSON object');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidContextError(key, 'must be a JSON object');
  const v = raw as Record<string, unknown>;
  const text = (field: string, optional: boolean): string | undefined => {
    const value = v[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '') throw new InvalidContextError(key, `.${field} must be a non-empty string`);
    return value;
  };
  const roles = v.trustedRoleArns;
  if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string'))) throw new InvalidContextError(key, '.trustedRoleArns must be an array of role ARNs');
  const mode = text('objectLockMode', true)?.toUpperCase();
  if (mode !== undefined && mode !== ObjectLockMode.GOVERNANCE && mode !== ObjectLockMode.COMPLIANCE) throw new InvalidContextError(key, '.objectLockMode must be GOVERNANCE or COMPLIANCE');
  const days = v.objectLockDays;
  if ((mode === undefined) !== (days === undefined) || (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1))) {
    throw new InvalidContextError(key, '.objectLockMode and .objectLockDays (a whole number >= 1) go together');
  }
  const trustedAccount = text('trustedAccount', true);
  const trustedStackName = text('trustedStackName', true);
  return {
    env: { region: text('region', false)!, account: text('account', true) ?? process.env.CDK_DEFAULT_ACCOUNT },
    ...(trustedAccount ? { trustedAccount } : {}),
    ...(trustedStackName ? { trustedStackName } : {}),
    ...(roles ? { trustedRoleArns: roles as string[] } : {}),
    ...(mode ? { objectLock: { mode, days: days as number } } : {}),
  };
}
