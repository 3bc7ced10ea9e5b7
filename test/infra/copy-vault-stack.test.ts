/**
 * The copy vault stack (infra/copy-vault-stack.ts) for another account.
 * These are synth tests: the local cloud has one account, so cross-account
 * trust is checked in the synthesized template (and the policies
 * docs/COPIES.md prints are checked against the code), not enforced by a
 * second account.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CopyVaultStack, copyVaultFromContext, copyVaultPolicies } from '../../infra/copy-vault-stack.js';
import { HavenContextKey } from '../../infra/config.js';
import { InvalidContextError } from '../../infra/errors.js';
import { applyHavenChecks } from '../../infra/nag.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { cdkJsonContext } from './support/haven-app.js';

const HAVEN_ACCOUNT = '111122223333';
const app = new App({ context: cdkJsonContext() });
applyHavenChecks(app);
const stack = new CopyVaultStack(app, 'HavenCopyVault', { env: { account: '444455556666', region: 'eu-west-1' }, trustedAccount: HAVEN_ACCOUNT, trustedStackName: 'Haven' });
const template = Template.fromStack(stack);

type Statement = { Sid?: string; Principal?: { AWS?: unknown }; Action: string | string[]; Condition?: Record<string, Record<string, string>> };

test('the key policy lets the Haven account\'s roles of stack Haven use the key, and only them', () => {
  // Prepare
  const [key] = Object.values(template.findResources('AWS::KMS::Key')) as Array<{ Properties: { KeyPolicy: { Statement: Statement[] } } }>;

  // Act
  const trust = key!.Properties.KeyPolicy.Statement.find((s) => s.Sid === 'HavenVaultKeyUse');

  // Assess
  assert.deepEqual(trust?.Principal, { AWS: `arn:aws:iam::${HAVEN_ACCOUNT}:root` });
  assert.deepEqual(trust?.Condition, { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${HAVEN_ACCOUNT}:role/Haven-*` } });
  assert.deepEqual(trust?.Action, ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey']);
});

test("the bucket policy lets the Haven account's roles use the vault objects and list the bucket, and keeps TLS-only", () => {
  // Prepare
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as Array<{ Properties: { PolicyDocument: { Statement: Statement[] } } }>;

  // Act
  const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);

  // Assess
  const objects = statements.find((s) => s.Sid === 'HavenVaultObjects');
  const list = statements.find((s) => s.Sid === 'HavenVaultList');
  assert.deepEqual(objects?.Action, ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
  assert.deepEqual(list?.Action, ['s3:ListBucket', 's3:ListBucketVersions']);
  for (const s of [objects, list]) assert.deepEqual(s?.Condition, { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${HAVEN_ACCOUNT}:role/Haven-*` } });
  assert.ok(statements.some((s) => JSON.stringify(s).includes('"aws:SecureTransport":"false"')));
});

test('roles given by ARN are trusted by name, without a condition', () => {
  // Prepare
  const role = `arn:aws:iam::${HAVEN_ACCOUNT}:role/Haven-CopyFunctionRole`;

  // Act
  const policies = copyVaultPolicies('arn:aws:s3:::copy', { account: HAVEN_ACCOUNT, roleArns: [role] });

  // Assess
  assert.deepEqual([...policies.bucket, ...policies.key].map((s) => [s.Principal, s.Condition]), [
    [{ AWS: [role] }, undefined],
    [{ AWS: [role] }, undefined],
    [{ AWS: [role] }, undefined],
  ]);
});

test('docs/COPIES.md prints the policies the code applies', () => {
  // Prepare
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'COPIES.md'), 'utf8');
  const expected = copyVaultPolicies('arn:aws:s3:::haven-copy-vault-eu', { account: HAVEN_ACCOUNT });

  // Act
  const blocks = [...doc.matchAll(/<!-- copy-vault-(bucket|key)-policy -->\s*```json\n([\s\S]*?)```/g)].map((m) => [m[1], JSON.parse(m[2]!) as unknown]);

  // Assess
  assert.deepEqual(blocks, [
    ['bucket', { Statement: expected.bucket }],
    ['key', { Statement: expected.key }],
  ]);
});

test('the copy vault stack passes cdk-nag', () => {
  // Act
  const synth = () => app.synth();

  // Assess
  assert.doesNotThrow(synth);
});

test('haven:copyVault as -c passes it gives the stack its region and trust', () => {
  // Prepare
  const context = new App({ context: { [HavenContextKey.CopyVault]: JSON.stringify({ region: 'eu-west-1', account: '444455556666', trustedAccount: HAVEN_ACCOUNT, trustedStackName: 'Haven' }) } });

  // Act
  const props = copyVaultFromContext(context.node);

  // Assess
  assert.deepEqual(props, { env: { region: 'eu-west-1', account: '444455556666' }, trustedAccount: HAVEN_ACCOUNT, trustedStackName: 'Haven' });
});

test('haven:copyVault without a region is refused naming the key', () => {
  // Prepare
  const context = new App({ context: { [HavenContextKey.CopyVault]: { trustedAccount: HAVEN_ACCOUNT } } });

  // Act
  const reading = () => copyVaultFromContext(context.node);

  // Assess
  assert.throws(reading, (error: unknown) => error instanceof InvalidContextError && error.message.includes(HavenContextKey.CopyVault) && error.message.includes('region'));
});
