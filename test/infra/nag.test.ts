/**
 * cdk-nag AWS Solutions over the whole stack, synthesized exactly as
 * `cdk synth` does (cdk.json context, CDK's built-in CloudFormation
 * validation, the pack registered by infra/nag.ts). cdk-nag 3 is a policy
 * validation plugin: a finding fails synthesis instead of adding an annotation.
 */
import { test, vi } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyHavenChecks } from '../../infra/nag.js';
import { distributedMapUse } from '../../infra/constructs/workflow-state-machine.js';
import { BACKUP_DEFINITION_FILE, PRUNE_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';

const { app, stack, nag } = synthHaven({ cfnValidation: true });

interface AcknowledgedRule {
  id: string;
  reason: string;
}

/**
 * Every acknowledgment recorded anywhere in the stack, with the construct path
 * it sits on. CDK stores them as `{ "Annotation::<id>": reason }` metadata;
 * cdk-nag strips that prefix when matching, and so does this.
 */
function acknowledgments(): { path: string; rule: AcknowledgedRule }[] {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, rule: { id: id.replace(/^annotation::/i, ''), reason } })),
  );
}

test('AwsSolutions: no unacknowledged violation (errors or warnings)', () => {
  // Act
  const report = nag.validateScope(stack);

  // Assess
  assert.deepEqual(
    report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    [],
  );
  assert.equal(report.success, true);
});

test('no AwsSolutions error or warning annotations either', () => {
  // Act
  const annotations = Annotations.fromStack(stack);

  // Assess
  assert.deepEqual(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')), []);
  assert.deepEqual(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')), []);
});

test('synthesis ran the validation plugins and wrote a clean report', () => {
  // Prepare
  const reportFile = path.join(app.outdir, 'validation-report.json');

  // Act
  const written = existsSync(reportFile);

  // Assess
  assert.ok(written, reportFile);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports?: { summary?: { status?: string }; violations?: unknown[] }[] };
  for (const plugin of report.pluginReports ?? []) assert.deepEqual(plugin.violations ?? [], []);
});

test('every acknowledgment names an AwsSolutions rule and gives a one-line reason', () => {
  // Act
  const all = acknowledgments();

  // Assess
  assert.ok(all.length > 0);
  for (const { path: where, rule } of all) {
    assert.match(rule.id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/, where);
    assert.ok(rule.reason.trim().length >= 20, `${where} ${rule.id}: reason too short`);
    assert.ok(!rule.reason.includes('\n'), `${where} ${rule.id}: reason is one line`);
  }
});

/**
 * The acknowledgments of one workflow function: the runtime pin, and the
 * scoped IAM5 findings of its vault grant (`vault/*`) and of the staging
 * deletes of the steps that clear what a run staged. The catalog grant
 * names its table and indexes exactly and needs none.
 */
function workflowFunctionAcks(path: string, vault: boolean, staging = false): string[] {
  return [
    `${path}/Function AwsSolutions-L1`,
    ...(vault ? [`${path}/Role AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*]`] : []),
    ...(staging ? [`${path}/Role AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*/staging/*]`] : []),
  ];
}
const backupFunctionAcks = (id: string, vault: boolean, staging = false) => workflowFunctionAcks(`Backup/${id}`, vault, staging);
const restoreFunctionAcks = (id: string, vault: boolean, staging = false) => workflowFunctionAcks(`Restore/${id}`, vault, staging);
const pruneFunctionAcks = (id: string, vault: boolean, staging = false) => workflowFunctionAcks(`Prune/${id}`, vault, staging);
/** A verify function's acknowledgments, plus the scratch wildcards (`haven-verify-*` tables and vault-bucket keys) it is granted. */
const verifyFunctionAcks = (id: string, vault: boolean, scratch: { table?: boolean; objects?: boolean } = {}, staging = false) => [
  ...workflowFunctionAcks(`Verify/${id}`, vault, staging),
  ...(scratch.table ? [`Verify/${id}/Role AwsSolutions-IAM5[Resource::arn:aws:dynamodb:us-east-1:123456789012:table/haven-verify-*]`] : []),
  ...(scratch.objects ? [`Verify/${id}/Role AwsSolutions-IAM5[Resource::<VerifyScratch.Arn>/haven-verify-*]`] : []),
];

/** The scoped wildcards of a workflow whose definition has Distributed Maps: its map runs' executions, and the staging area its item readers read. */
const mapAcks = (workflow: string, file: string): string[] => {
  const use = distributedMapUse(JSON.parse(readFileSync(file, 'utf8')));
  return [
    ...(use.distributed ? [`${workflow}/DistributedMapPolicy AwsSolutions-IAM5[Resource::arn:aws:states:us-east-1:123456789012:execution:<${workflow}StateMachine.Name>/*]`] : []),
    ...(use.itemReader ? [`${workflow}/DistributedMapPolicy AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*/staging/*]`] : []),
  ];
};

test('the acknowledged rules are exactly the expected, reviewed set', () => {
  // Act
  const ids = acknowledgments()
    // Logical ids lose their hash suffix: <CatalogTableBBEA0CBC.Arn> reads <CatalogTable.Arn>.
    .map(({ path: where, rule }) => `${where.replace(/^Haven\//, '')} ${rule.id.replace(/<([A-Za-z0-9]+?)[0-9A-F]{8}\./g, '<$1.').replace(/("Ref":"[A-Za-z0-9]+?)[0-9A-F]{8}"/g, '$1"')}`)
    .sort();

  // Assess
  assert.deepEqual(
    ids,
    [
      'Api/Api AwsSolutions-APIG2',
      'Api/Api AwsSolutions-APIG3',
      'Api/Api AwsSolutions-APIG6',
      'Api/Api AwsSolutions-COG4',
      'Api/Api/CloudWatchRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      ...backupFunctionAcks('Plan', true, true),
      ...backupFunctionAcks('ExportPartition', true),
      ...backupFunctionAcks('Commit', true, true),
      ...backupFunctionAcks('ListSource', true),
      ...backupFunctionAcks('JoinListing', true),
      ...backupFunctionAcks('HoldSnapshot', true),
      ...backupFunctionAcks('ReleaseSnapshot', true),
      ...backupFunctionAcks('PlanVerify', true),
      ...backupFunctionAcks('VerifyPacks', true),
      ...backupFunctionAcks('RecordVerification', true, true),
      ...backupFunctionAcks('Finalize', false),
      ...backupFunctionAcks('StartCopies', false),
      ...backupFunctionAcks('MarkFailed', true, true),
      'BackupWorkflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
      ...mapAcks('BackupWorkflow', BACKUP_DEFINITION_FILE),
      ...restoreFunctionAcks('Plan', true),
      ...restoreFunctionAcks('SafetyBackup', true),
      ...restoreFunctionAcks('RestorePartition', true),
      ...restoreFunctionAcks('Validate', true),
      ...restoreFunctionAcks('Finalize', true, true),
      ...restoreFunctionAcks('MarkFailed', true, true),
      'RestoreWorkflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
      ...mapAcks('RestoreWorkflow', RESTORE_DEFINITION_FILE),
      ...verifyFunctionAcks('Plan', true),
      ...verifyFunctionAcks('CheckPacks', true),
      ...verifyFunctionAcks('PrepareScratch', true, { table: true }),
      ...verifyFunctionAcks('RestorePartition', true, { table: true, objects: true }),
      ...verifyFunctionAcks('Compare', true, { table: true, objects: true }),
      ...verifyFunctionAcks('CleanupScratch', false, { table: true, objects: true }),
      ...verifyFunctionAcks('Finalize', true, {}, true),
      ...verifyFunctionAcks('MarkFailed', true, {}, true),
      'VerifyWorkflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
      ...mapAcks('VerifyWorkflow', VERIFY_DEFINITION_FILE),
      ...pruneFunctionAcks('ListJobs', false),
      ...pruneFunctionAcks('ApplyRetention', true),
      ...pruneFunctionAcks('PlanPrune', true),
      ...pruneFunctionAcks('Mark', true),
      ...pruneFunctionAcks('Join', true),
      ...pruneFunctionAcks('Settle', true),
      ...pruneFunctionAcks('Compact', true),
      ...pruneFunctionAcks('Recheck', true),
      ...pruneFunctionAcks('Sweep', true),
      ...pruneFunctionAcks('Prune', true, true),
      ...pruneFunctionAcks('MarkFailed', false),
      'PruneWorkflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
      ...mapAcks('PruneWorkflow', PRUNE_DEFINITION_FILE),
      ...workflowFunctionAcks('Copy/Plan', false),
      ...workflowFunctionAcks('Copy/CopyToVault', true),
      // A copy that fails its verification in the copy vault deletes its snapshot again (named at run time).
      'Copy/CopyToVault/Role AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*/snapshots/*]',
      ...workflowFunctionAcks('Copy/MarkFailed', false),
      'CopyWorkflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
      'ApiFunction/Function/Function AwsSolutions-L1',
      // Backup delete: read the vault, delete its snapshot objects (one per backup, named at run time).
      'ApiFunction/Function/Role AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*]',
      'ApiFunction/Function/Role AwsSolutions-IAM5[Resource::<VaultBucket.Arn>/*/snapshots/*]',
      'ApiFunction/Function/Role AwsSolutions-IAM5[Resource::arn:aws:scheduler:us-east-1:123456789012:schedule/haven/*]',
      // A job's encryption.key_id: DescribeKey on the account's keys, so "no such key" and "not the vault's" differ.
      'ApiFunction/Function/Role AwsSolutions-IAM5[Resource::arn:aws:kms:us-east-1:123456789012:key/*]',
      ...['BackupWorkflow', 'RestoreWorkflow'].map(
        (machine) => `ApiFunction/Function/Role AwsSolutions-IAM5[Resource::arn:aws:states:us-east-1:123456789012:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}StateMachine"}]}]}:*]`,
      ),
    ].sort(),
  );
});

const SOURCE_TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SOURCE_BUCKET = 'arn:aws:s3:::acme-data';
const TARGET_BUCKET = 'arn:aws:s3:::acme-restores';
/** The stack with sources and restore targets listed: synthesized once, only read by the tests below. */
const withSources = synthHaven({
  context: {
    'haven:sourceTableArns': [SOURCE_TABLE],
    'haven:sourceBucketArns': [SOURCE_BUCKET],
    'haven:restoreTableArns': ['arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored'],
    'haven:restoreBucketArns': [TARGET_BUCKET],
  },
});

test('listed sources and targets add only their scoped IAM5 acknowledgments: export-partition, safety-backup, restore-partition', () => {
  // Prepare
  const [table, bucket, target] = [SOURCE_TABLE, SOURCE_BUCKET, TARGET_BUCKET];

  // Act
  const added = withSources.stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>).map((id) => `${c.node.path.replace(/^Haven\//, '')} ${id.replace(/^annotation::/i, '')}`)),
    )
    .filter((entry) => entry.includes('arn:aws:') && !entry.includes('haven-verify-') && !entry.startsWith('ApiFunction/') && !entry.includes('/DistributedMapPolicy '))
    .sort();

  // Assess
  assert.deepEqual(added, [
    `Backup/ExportPartition/Role AwsSolutions-IAM5[Resource::${table}/index/*]`,
    `Backup/ExportPartition/Role AwsSolutions-IAM5[Resource::${bucket}/*]`,
    `Restore/RestorePartition/Role AwsSolutions-IAM5[Resource::${target}/*]`,
    `Restore/SafetyBackup/Role AwsSolutions-IAM5[Resource::${target}/*]`,
  ]);
});

test('listed sources and targets leave AwsSolutions without a violation', () => {
  // Act
  const report = withSources.nag.validateScope(withSources.stack);

  // Assess
  assert.deepEqual(report.violations, []);
});

/** An app of its own holding a bucket that allows plain HTTP, with Haven's pack registered. */
function insecureBucket() {
  const probeApp = new App({ builtinCloudFormationValidation: false });
  const probe = new Stack(probeApp, 'Probe');
  new s3.Bucket(probe, 'Open', { enforceSSL: false });
  const pack = applyHavenChecks(probeApp);
  return { probeApp, probe, pack };
}

test('control: the pack does fail an insecure bucket', () => {
  // Prepare
  const { probe, pack } = insecureBucket();

  // Act
  const rules = pack.validateScope(probe).violations.map((v) => v.ruleName);

  // Assess
  assert.ok(pack instanceof AwsSolutionsChecks);
  assert.ok(rules.includes('AwsSolutions-S1'), rules.join());
  assert.ok(rules.includes('AwsSolutions-S10'), rules.join());
});

test('control: synthesis of an insecure bucket fails', () => {
  // Prepare
  const { probeApp } = insecureBucket();
  // Synthesis prints the report to stderr, muted here.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);

  // Act
  const synth = () => probeApp.synth();

  // Assess
  assert.throws(synth, /Validation ?failed/i);
});
