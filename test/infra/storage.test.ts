/** The vault key, vault bucket, access-log bucket and catalog table, as synthesized. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { synthHaven } from './support/haven-app.js';
import { logicalId } from './support/template.js';

const { stack, template } = synthHaven();

/** The vault bucket's logical id and properties. */
function vaultBucket(): { id: string; props: Record<string, unknown> } {
  const id = logicalId(stack, stack.vault.bucket);
  const props = (template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)[id]!.Properties;
  assert.match(JSON.stringify(props.BucketEncryption), /aws:kms/);
  return { id, props };
}

test('vault key: rotation on, symmetric, retained', () => {
  // Act
  const keys = template.findResources('AWS::KMS::Key', {
    Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('vault') },
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
  });

  // Assess
  assert.ok(Object.keys(keys).length >= 1, 'a rotating, retained vault key');
});

test('vault key: aliased alias/haven-vault', () => {
  // Act
  const aliases = template.findResources('AWS::KMS::Alias', { Properties: { AliasName: 'alias/haven-vault' } });

  // Assess
  assert.ok(Object.keys(aliases).length >= 1, 'alias/haven-vault');
});

test('every KMS key rotates', () => {
  // Act
  const keys = template.findResources('AWS::KMS::Key');

  // Assess
  assert.ok(Object.keys(keys).length >= 1);
  for (const [id, key] of Object.entries(keys)) {
    assert.equal((key as { Properties: { EnableKeyRotation?: boolean } }).Properties.EnableKeyRotation, true, id);
  }
});

test('vault bucket: SSE-KMS with the vault key and bucket key on', () => {
  // Prepare
  const keys = template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('vault') } });
  const keyId = Object.keys(keys)[0];

  // Act
  const { props } = vaultBucket();

  // Assess
  assert.deepEqual(props.BucketEncryption, {
    ServerSideEncryptionConfiguration: [
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      },
    ],
  });
});

test('vault bucket: versioned', () => {
  // Act
  const { props } = vaultBucket();

  // Assess
  assert.deepEqual(props.VersioningConfiguration, { Status: 'Enabled' });
});

test('vault bucket: public access fully blocked', () => {
  // Act
  const { props } = vaultBucket();

  // Assess
  assert.deepEqual(props.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  });
});

test('vault bucket: bucket-owner-enforced', () => {
  // Act
  const { props } = vaultBucket();

  // Assess
  assert.deepEqual(props.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
});

test('vault bucket: retained on stack deletion', () => {
  // Act
  const { id } = vaultBucket();
  const resource = template.toJSON().Resources[id];

  // Assess
  assert.equal(resource.DeletionPolicy, 'Retain');
  assert.equal(resource.UpdateReplacePolicy, 'Retain');
});

const lifecycleRules = () => (vaultBucket().props.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;

test('vault bucket: lifecycle aborts incomplete multipart uploads after 1 day', () => {
  // Act
  const rules = lifecycleRules();

  // Assess
  assert.ok(rules.some((r) => r.Status === 'Enabled' && (r.AbortIncompleteMultipartUpload as { DaysAfterInitiation: number }).DaysAfterInitiation === 1));
});

test('vault bucket: lifecycle expires noncurrent versions', () => {
  // Act
  const rules = lifecycleRules();

  // Assess
  assert.ok(rules.some((r) => r.Status === 'Enabled' && (r.NoncurrentVersionExpiration as { NoncurrentDays: number }).NoncurrentDays > 0));
});

test('vault bucket: policy denies any request without TLS (and below TLS 1.2)', () => {
  // Prepare
  const { id } = vaultBucket();

  // Act
  const policies = template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id } } });
  const statements = Object.values(policies).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement,
  );

  // Assess
  const tls = statements.find((s) => JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
  assert.ok(tls, 'a statement conditioned on aws:SecureTransport=false');
  assert.equal(tls.Effect, 'Deny');
  assert.equal(tls.Action, 's3:*');
  assert.deepEqual(tls.Principal, { AWS: '*' });
  // It covers the bucket and every object in it.
  assert.equal((tls.Resource as unknown[]).length, 2);
  assert.ok(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ NumericLessThan: { 's3:TlsVersion': 1.2 } })));
});

test('vault bucket: server access logs go to a separate private, TLS-only, expiring bucket', () => {
  // Act
  const { props } = vaultBucket();

  // Assess
  const logging = props.LoggingConfiguration as { DestinationBucketName: { Ref: string }; LogFilePrefix: string };
  const logsId = logging.DestinationBucketName.Ref;
  assert.notEqual(logsId, vaultBucket().id);
  const logsBucket = template.toJSON().Resources[logsId];
  assert.equal(logsBucket.Type, 'AWS::S3::Bucket');
  assert.equal(logsBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  assert.equal(logsBucket.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets, true);
  assert.ok(logsBucket.Properties.LifecycleConfiguration.Rules.some((r: { ExpirationInDays?: number }) => (r.ExpirationInDays ?? 0) > 0));
  // S3 log delivery may write to it; everyone else must use TLS.
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: logsId },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
      ]),
    },
  });
});

test('Object Lock is off by default', () => {
  // Act
  const { props } = vaultBucket();

  // Assess
  assert.equal(props.ObjectLockEnabled, undefined);
  assert.equal(props.ObjectLockConfiguration, undefined);
});

interface GlobalTableProps {
  KeySchema: unknown;
  BillingMode: string;
  SSESpecification: unknown;
  TimeToLiveSpecification: unknown;
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  Replicas: {
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean };
    DeletionProtectionEnabled: boolean;
    SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [string, string] } };
  }[];
}

/** The one catalog table (a global table of one replica). */
function catalogTable(): { Properties: GlobalTableProps; DeletionPolicy: string } {
  const tables = template.findResources('AWS::DynamoDB::GlobalTable');
  assert.equal(Object.keys(tables).length, 1);
  const table = Object.values(tables)[0] as { Properties: GlobalTableProps; DeletionPolicy: string };
  assert.equal(table.Properties.Replicas.length, 1);
  return table;
}

test('catalog table: pk/sk keys, every key attribute a string', () => {
  // Act
  const p = catalogTable().Properties;

  // Assess
  assert.deepEqual(p.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  for (const name of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']) {
    assert.ok(p.AttributeDefinitions.some((a) => a.AttributeName === name && a.AttributeType === 'S'), name);
  }
});

test('catalog table: on-demand', () => {
  // Act
  const p = catalogTable().Properties;

  // Assess
  assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
});

test('catalog table: PITR, deletion protection, retained', () => {
  // Act
  const table = catalogTable();

  // Assess
  assert.equal(table.DeletionPolicy, 'Retain');
  const replica = table.Properties.Replicas[0];
  assert.ok(replica);
  assert.equal(replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
  assert.equal(replica.DeletionProtectionEnabled, true);
});

test('catalog table: customer-managed KMS', () => {
  // Act
  const p = catalogTable().Properties;

  // Assess
  assert.deepEqual(p.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
  const replica = p.Replicas[0];
  assert.ok(replica);
  // The replica key is a key this stack manages (customer-managed), not an AWS-owned one.
  const keyRef = replica.SSESpecification.KMSMasterKeyId['Fn::GetAtt'][0];
  assert.equal(template.toJSON().Resources[keyRef].Type, 'AWS::KMS::Key');
});

test('catalog table: TTL on expires_at', () => {
  // Act
  const p = catalogTable().Properties;

  // Assess
  assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: 'expires_at', Enabled: true });
});

test('catalog table: gsi1 (gsi1pk/gsi1sk) and gsi2 (gsi2pk/gsi2sk), projection ALL', () => {
  // Act
  const table = catalogTable();

  // Assess
  assert.ok(table);
  template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'gsi2',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
});

test('every log group has a bounded retention', () => {
  // Act
  const groups = template.findResources('AWS::Logs::LogGroup');

  // Assess
  assert.ok(Object.keys(groups).length >= 3);
  for (const [id, group] of Object.entries(groups)) {
    const days = (group as { Properties: { RetentionInDays?: number } }).Properties.RetentionInDays;
    assert.ok(typeof days === 'number' && days > 0 && days <= 3653, `${id} keeps logs ${days} days`);
  }
});
