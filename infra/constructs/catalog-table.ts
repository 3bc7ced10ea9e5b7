/**
 * The catalog: one DynamoDB table (single-table design) recording jobs,
 * backups and runs. `gsi1` lists records by kind and time; `gsi2` lists a
 * job's backups by time. Expired records carry `expires_at` (epoch seconds).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable, Grant } from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TableLayout } from '../../engine/catalog/keys.js';

/** Props of {@link CatalogTable}. */
export interface CatalogTableProps {
  /** The key DynamoDB encrypts the table with. @default a dedicated key with rotation on */
  readonly encryptionKey?: kms.IKey;
  /** Alias of the dedicated key (ignored when `encryptionKey` is given). @default `alias/haven-catalog` */
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
    this.encryptionKey = props.encryptionKey ?? this.createKey(props.keyAlias ?? 'alias/haven-catalog', removalPolicy);
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

  /**
   * Lets a principal read the table and its indexes (query, get, scan) and
   * decrypt through the table's key.
   *
   * @param grantee - the principal
   * @returns the grant
   */
  grantReadData(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }

  /**
   * Lets a principal read and write items and decrypt/encrypt through the
   * table's key.
   *
   * @param grantee - the principal
   * @returns the grant
   */
  grantReadWriteData(grantee: IGrantable): Grant {
    return this.table.grantReadWriteData(grantee);
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
