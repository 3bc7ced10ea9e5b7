/**
 * The catalog: one DynamoDB table (single-table design) recording jobs,
 * backups and runs. `gsi1` lists records by kind and time; `gsi2` lists a
 * job's backups by time. Expired records carry `expires_at` (epoch seconds).
 *
 * Functions get one {@link CatalogAccess} level each, with exactly the
 * DynamoDB actions `control/catalog` sends at that level: GetItem (records,
 * consistent reads), PutItem (new records, conditional), UpdateItem
 * (transitions, progress, annotations, leases, job changes, conditional),
 * DeleteItem (a job, by the API only), and Query on `gsi1`/`gsi2` (every
 * list: the catalog never queries the base table and never scans, batches
 * or transacts).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TableLayout } from '../../control/catalog/keys.js';
import { havenNames } from '../names.js';
import { KeyService, viaService } from '../via-service.js';

/** How much of the catalog a function may use. */
export const CatalogAccess = {
  /** Nothing (steps that never open a record). */
  None: 'none',
  /** Read records and list them. */
  Read: 'read',
  /** Read, create and change records (transitions, progress, leases, annotations). */
  ReadWrite: 'readWrite',
  /** ReadWrite, plus delete jobs: the API. */
  Manage: 'manage',
} as const;
export type CatalogAccess = (typeof CatalogAccess)[keyof typeof CatalogAccess];

/** The DynamoDB actions of each level, on the table's items (`table`) and on its two indexes (`indexes`). */
export const CATALOG_ACTIONS: Readonly<Record<CatalogAccess, { readonly table: readonly string[]; readonly indexes: readonly string[] }>> = {
  none: { table: [], indexes: [] },
  read: { table: ['dynamodb:GetItem'], indexes: ['dynamodb:Query'] },
  readWrite: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], indexes: ['dynamodb:Query'] },
  manage: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], indexes: ['dynamodb:Query'] },
};

/**
 * What a caller needs on the key of a table under a customer-managed key:
 * DynamoDB decrypts the table's data key with the caller's authority when
 * its cached copy expires (reads and writes alike); generating and
 * re-encrypting that key happen through the grant DynamoDB created with the
 * table. So callers get `kms:Decrypt` alone, and only through DynamoDB
 * (`kms:ViaService`): no function calls KMS with this key itself.
 */
export const CATALOG_KEY_ACTIONS = ['kms:Decrypt'] as const;

/** Props of {@link CatalogTable}. */
export interface CatalogTableProps {
  /** The key DynamoDB encrypts the table with. @default a dedicated key with rotation on */
  readonly encryptionKey?: kms.IKey;
  /** Alias of the dedicated key (ignored when `encryptionKey` is given). @default `alias/<stack name>-catalog` (see infra/names.ts) */
  readonly keyAlias?: string;
  /** Point-in-time recovery window in days (1–35). @default 35 */
  readonly recoveryPeriodInDays?: number;
  /** What CloudFormation does with the table (and a dedicated key) when it leaves the stack. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse DeleteTable calls. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * An on-demand table with point-in-time recovery, customer-managed KMS
 * encryption, TTL on `expires_at`, and the `gsi1`/`gsi2` indexes (projection ALL).
 */
export class CatalogTable extends Construct {
  /** The table. */
  readonly table: dynamodb.TableV2;
  /** The key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - overrides of the secure defaults
   */
  constructor(scope: Construct, id: string, props: CatalogTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey ?? this.createKey(props.keyAlias ?? havenNames(Stack.of(this).stackName).catalogKeyAlias, removalPolicy);
    // Attribute and index names: the engine's catalog layout, the one definition both sides read.
    const s = TableLayout;
    const str = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: str(s.partitionKey),
      sortKey: str(s.sortKey),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.encryptionKey),
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: props.recoveryPeriodInDays ?? 35,
      },
      timeToLiveAttribute: s.ttlAttribute,
      deletionProtection: props.deletionProtection ?? true,
      globalSecondaryIndexes: [s.gsi1, s.gsi2].map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: str(gsi.partitionKey),
        sortKey: str(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      removalPolicy,
    });
  }

  /** The ARNs of the table's two indexes (`<table>/index/gsi1`, `/gsi2`), the only ones the catalog queries. */
  get indexArns(): string[] {
    return [TableLayout.gsi1, TableLayout.gsi2].map((gsi) => `${this.table.tableArn}/index/${gsi.indexName}`);
  }

  /**
   * Lets a principal use the catalog at one level: the level's
   * {@link CATALOG_ACTIONS} on the table and its indexes, and
   * {@link CATALOG_KEY_ACTIONS} on the table's key through DynamoDB.
   *
   * @param grantee - the principal
   * @param access - the level
   * @returns the grant, or undefined for {@link CatalogAccess.None}
   */
  grant(grantee: IGrantable, access: CatalogAccess): Grant | undefined {
    const actions = CATALOG_ACTIONS[access];
    if (actions.table.length === 0) return undefined;
    return Grant.addToPrincipal({ grantee, actions: [...actions.table], resourceArns: [this.table.tableArn] })
      .combine(Grant.addToPrincipal({ grantee, actions: [...actions.indexes], resourceArns: this.indexArns }))
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: [...CATALOG_KEY_ACTIONS],
          resourceArns: [this.encryptionKey.keyArn],
          conditions: viaService(this, [KeyService.DynamoDB]),
        }),
      );
  }

  private createKey(alias: string, removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: 'Haven catalog key: encrypts the catalog table at rest',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy,
    });
    key.addAlias(alias);
    return key;
  }
}
