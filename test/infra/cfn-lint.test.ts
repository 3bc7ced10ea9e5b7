/**
 * cfn-lint over the synthesized template, as a new user would deploy it
 * (defaults), and with every optional setting on (Object Lock, sources,
 * restore targets, their keys, PostgreSQL in a VPC): CloudFormation's own
 * schemas and rules, beyond CDK's. The pinned cfn-lint lives in the
 * project's virtualenv beside moto (local/emulator/install.ts installs it);
 * any finding fails, but for the rules ignored below, each with its reason.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cfnLintBin, ensureEmulatorInstalled } from '../../local/emulator/install.js';
import { CFN_LINT_VERSION } from '../../local/emulator/paths.js';
import { HavenContextKey } from '../../infra/config.js';
import { synthHaven, TEST_ENV } from './support/haven-app.js';

/** cfn-lint rules not applied, and why. */
const IGNORED_RULES: Readonly<Record<string, string>> = {
  // CDK makes each function (and each state machine and schedule) depend on its role and on the
  // role's default policy, so it never runs before its grants exist; the role half of that
  // DependsOn repeats what the GetAtt of the role already implies. Harmless, and CDK's to emit.
  W3005: 'a DependsOn on a role the resource also references by GetAtt (CDK waits for the role\'s policy)',
};

const EVERYTHING = {
  [HavenContextKey.ObjectLockMode]: 'GOVERNANCE',
  [HavenContextKey.ObjectLockDays]: 30,
  [HavenContextKey.SourceTableArns]: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
  [HavenContextKey.SourceBucketArns]: ['arn:aws:s3:::acme-data'],
  [HavenContextKey.RestoreTableArns]: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored'],
  [HavenContextKey.RestoreBucketArns]: ['arn:aws:s3:::acme-restores'],
  [HavenContextKey.SourceKmsKeyArns]: ['arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'],
  [HavenContextKey.RestoreKmsKeyArns]: ['arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000'],
  [HavenContextKey.PostgresSecretArns]: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf'],
  [HavenContextKey.PostgresVpcId]: 'vpc-0123456789abcdef0',
  [HavenContextKey.PostgresSubnetIds]: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
};

/** Runs the pinned cfn-lint on one template; returns its findings, one a line. */
function lint(template: unknown): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-cfn-lint-'));
  try {
    const file = path.join(dir, 'Haven.template.json');
    writeFileSync(file, JSON.stringify(template, null, 1));
    const run = spawnSync(cfnLintBin(), ['--format', 'parseable', '--regions', TEST_ENV.region, '--ignore-checks', ...Object.keys(IGNORED_RULES), '--', file], { encoding: 'utf8' });
    assert.equal(run.error, undefined, `cfn-lint did not start: ${String(run.error)}`);
    const findings = run.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => line.replace(`${file}:`, ''));
    // 0: nothing found; otherwise a bit per level (2 errors, 4 warnings, 8 informational), or 1 for its own failure.
    if (run.status !== 0 && findings.length === 0) assert.fail(`cfn-lint failed (${run.status}): ${run.stderr}`);
    return findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(`the pinned cfn-lint ${CFN_LINT_VERSION} is installed in the virtualenv`, () => {
  // Prepare
  ensureEmulatorInstalled();

  // Act
  const run = spawnSync(cfnLintBin(), ['--version'], { encoding: 'utf8' });

  // Assess
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), `cfn-lint ${CFN_LINT_VERSION}`);
});

test('the default template: no error, warning or informational finding', () => {
  // Prepare
  const template = synthHaven().template.toJSON();

  // Act
  const findings = lint(template);

  // Assess
  assert.deepEqual(findings, []);
});

test('the template with every optional setting on: no finding either', () => {
  // Prepare
  const template = synthHaven({ context: EVERYTHING }).template.toJSON();

  // Act
  const findings = lint(template);

  // Assess
  assert.deepEqual(findings, []);
});

test('control: cfn-lint does report a broken template', () => {
  // Prepare
  const broken = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 42, NoSuchProperty: true } } } };

  // Act
  const findings = lint(broken);

  // Assess
  assert.ok(findings.some((f) => /:E\d+:/.test(f)), findings.join('\n'));
});
