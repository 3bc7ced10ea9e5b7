/** The deployment's other vault buckets (context haven:vaultBuckets): the functions' variable and their grants. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App } from 'aws-cdk-lib';
import { HavenEnv } from '../../control/env.js';
import { parseVaultBuckets } from '../../control/vaults/registry.js';
import { HavenContextKey, readHavenContext } from '../../infra/config.js';
import { InvalidContextError } from '../../infra/errors.js';
import { synthHaven } from './support/haven-app.js';

const OTHER = { bucket: 'haven-eu-vault', region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/eu', storageClass: 'STANDARD_IA' };
const { template } = synthHaven({ context: { [HavenContextKey.VaultBuckets]: JSON.stringify([OTHER]) } });

type Fn = { Properties: { Description: string; Environment?: { Variables?: Record<string, unknown> }; Role: { 'Fn::GetAtt': [string] } } };
type PolicyDoc = { Properties: { Roles?: Array<{ Ref: string }>; PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } };

/** The statements of the policies attached to a function's role, as `action on resource` strings (resources as JSON). */
function grantsOf(description: string): string[] {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: description } })) as Fn[];
  const role = fn!.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyDoc[];
  return policies
    .filter((p) => p.Properties.Roles?.some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .flatMap((s) => [s.Action].flat().map((a) => `${a} on ${JSON.stringify(s.Resource)}`));
}

test('the workflow functions and the API get HAVEN_VAULT_BUCKETS naming the other bucket, as the registry reads it', () => {
  // Prepare
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Fn[];

  // Act
  const values = functions.map((f) => f.Properties.Environment?.Variables?.[HavenEnv.VaultBuckets]).filter((v): v is string => typeof v === 'string');

  // Assess
  assert.ok(values.length > 10);
  assert.deepEqual(parseVaultBuckets(values[0]), [{ bucket: OTHER.bucket, region: OTHER.region, defaultPrefix: 'vault/', kmsKeyId: OTHER.kmsKeyArn, primary: false, storageClass: 'STANDARD_IA' }]);
});

test('a step that writes the vault writes every vault of the other bucket and uses its key', () => {
  // Act
  const grants = grantsOf('Haven backup: export a batch of partitions into packs');

  // Assess
  assert.ok(grants.some((g) => g.startsWith('s3:PutObject on') && g.includes(`${OTHER.bucket}/*`)), grants.join('\n'));
  assert.ok(grants.some((g) => g.startsWith('kms:GenerateDataKey on') && g.includes(OTHER.kmsKeyArn)), grants.join('\n'));
});

test('a malformed haven:vaultBuckets is refused naming the context key', () => {
  // Prepare
  const app = new App({ context: { [HavenContextKey.VaultBuckets]: JSON.stringify([{ ...OTHER, storageClass: 'DEEP_ARCHIVE' }]) } });

  // Act
  const reading = () => readHavenContext(app.node);

  // Assess
  assert.throws(reading, (error: unknown) => error instanceof InvalidContextError && error.message.includes(HavenContextKey.VaultBuckets));
});

test('the steps that check packs were never overwritten may list pack versions in the other bucket (a backup written there, a verification served by a copy there)', () => {
  // Act
  const lists = ['Haven backup: read back and authenticate the pack batches of one Distributed Map child', 'Haven verify: check the pack batches of one Distributed Map child'].map((description) => ({ description, grants: grantsOf(description) }));

  // Assess
  for (const { description, grants } of lists) assert.ok(grants.some((g) => g.startsWith('s3:ListBucketVersions on') && g.includes(`:::${OTHER.bucket}`)), `${description}\n${grants.join('\n')}`);
});
