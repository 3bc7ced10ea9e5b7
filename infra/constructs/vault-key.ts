/**
 * The vault's customer-managed KMS key: it wraps the per-object data keys the
 * engine generates, and S3 uses it (with a bucket key) for SSE-KMS at rest.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IGrantable, Grant } from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { havenNames } from '../names.js';

/** The KMS actions that wrap (GenerateDataKey) and unwrap (Decrypt) data keys. */
export const VaultKeyActions = {
  GenerateDataKey: 'kms:GenerateDataKey',
  Decrypt: 'kms:Decrypt',
} as const;

/** Props of {@link VaultKey}. */
export interface VaultKeyProps {
  /** The key's alias, with the `alias/` prefix. @default `alias/<stack name>-vault` (see infra/names.ts) */
  readonly alias?: string;
  /** What CloudFormation does with the key when it leaves the stack. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Days KMS waits before deleting a key scheduled for deletion (7–30). @default 30 */
  readonly pendingWindowDays?: number;
}

/**
 * A symmetric KMS key with yearly rotation, an alias, and RETAIN removal.
 * Nothing is granted by default: callers grant exactly the actions a function
 * needs through {@link VaultKey.grantWrapKeys} or {@link VaultKey.grantUnwrapKeys}.
 */
export class VaultKey extends Construct {
  /** The underlying KMS key. */
  readonly key: kms.Key;
  /** The key's alias. */
  readonly alias: kms.IAlias;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - overrides of the secure defaults
   */
  constructor(scope: Construct, id: string, props: VaultKeyProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Haven vault key: wraps backup data keys and encrypts the vault bucket',
      enableKeyRotation: true,
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      pendingWindow: Duration.days(props.pendingWindowDays ?? 30),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.alias = this.key.addAlias(props.alias ?? havenNames(Stack.of(this).stackName).vaultKeyAlias);
  }

  /**
   * Lets a principal create and unwrap data keys (`kms:GenerateDataKey`,
   * `kms:Decrypt`): what a function writing backups, or writing SSE-KMS
   * objects to the vault bucket, needs.
   *
   * @param grantee - the principal (usually a function's role)
   * @returns the grant
   */
  grantWrapKeys(grantee: IGrantable): Grant {
    return this.key.grant(grantee, VaultKeyActions.GenerateDataKey, VaultKeyActions.Decrypt);
  }

  /**
   * Lets a principal unwrap data keys only (`kms:Decrypt`): what a function
   * that restores or verifies backups needs.
   *
   * @param grantee - the principal (usually a function's role)
   * @returns the grant
   */
  grantUnwrapKeys(grantee: IGrantable): Grant {
    return this.key.grant(grantee, VaultKeyActions.Decrypt);
  }
}
