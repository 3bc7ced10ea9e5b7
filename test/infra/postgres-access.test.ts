/**
 * PostgreSQL access in the CDK app: the database steps of both workflows
 * (backup plan, export, commit, mark failed; restore plan, safety backup,
 * restore partition, validate) run in the VPC from props with its subnets
 * and security group and may read exactly the listed secrets; no other
 * function gets either. cdk-nag stays clean.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HavenStack, type HavenStackProps } from '../../infra/haven-stack.js';
import { applyHavenChecks } from '../../infra/nag.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { cdkJsonContext, TEST_ENV } from './support/haven-app.js';
import { logicalId, permissionsOf } from './support/template.js';
import type { HavenFunction } from '../../infra/constructs/haven-function.js';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:delivery-db-AbCdEf';
const SUBNET_A = 'subnet-0aaaaaaaaaaaaaaaa';
const SG = 'sg-0123456789abcdef0';

function synth(postgres: (scope: Stack) => HavenStackProps['postgres']) {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const network = new Stack(app, 'Network', { env: TEST_ENV });
  const stack = new HavenStack(app, 'Haven', { env: TEST_ENV, postgres: postgres(network) });
  const nag = applyHavenChecks(app);
  return { stack, template: Template.fromStack(stack), nag };
}

const { stack, template, nag } = synth((scope) => ({
  secretArns: [SECRET],
  vpc: ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: [SUBNET_A, 'subnet-0bbbbbbbbbbbbbbbb'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
  }),
  vpcSubnets: { subnets: [ec2.Subnet.fromSubnetAttributes(scope, 'SubnetA', { subnetId: SUBNET_A, routeTableId: 'rtb-0aaaaaaaaaaaaaaaa' })] },
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(scope, 'Sg', SG)],
}));

const database: Array<[string, HavenFunction]> = [
  ...(['plan', 'exportPartition', 'commit', 'markFailed'] as const).map((s) => [`backup ${s}`, stack.backupFunctions.functions[s]] as [string, HavenFunction]),
  ...(['plan', 'safetyBackup', 'restorePartition', 'validate'] as const).map((s) => [`restore ${s}`, stack.restoreFunctions.functions[s]] as [string, HavenFunction]),
];
const others: Array<[string, HavenFunction]> = [
  ...(['planVerify', 'verifyPacks', 'recordVerification', 'finalize'] as const).map((s) => [`backup ${s}`, stack.backupFunctions.functions[s]] as [string, HavenFunction]),
  ...(['finalize', 'markFailed'] as const).map((s) => [`restore ${s}`, stack.restoreFunctions.functions[s]] as [string, HavenFunction]),
  ['api', stack.apiFunction.fn],
];

function vpcConfigOf(fn: HavenFunction): unknown {
  return (template.toJSON().Resources[logicalId(stack, fn.function)] as { Properties: { VpcConfig?: unknown } }).Properties.VpcConfig;
}

test('the database steps run in the VPC from props, in its subnets, with its security group', () => {
  for (const [name, fn] of database) {
    // Act
    const config = vpcConfigOf(fn);

    // Assess
    assert.deepEqual(config, { SubnetIds: [SUBNET_A], SecurityGroupIds: [SG] }, name);
  }
});

test('the database steps may read exactly the listed secrets', () => {
  for (const [name, fn] of database) {
    // Act
    const secrets = permissionsOf(template, logicalId(stack, fn.role)).filter((p) => p.startsWith('secretsmanager:'));

    // Assess
    assert.deepEqual(secrets, [`secretsmanager:GetSecretValue on ${SECRET}`], name);
  }
});

test('no other function may read secrets or runs in the VPC', () => {
  for (const [name, fn] of others) {
    // Act
    const config = vpcConfigOf(fn);
    const granted = permissionsOf(template, logicalId(stack, fn.role)).filter((p) => p.startsWith('secretsmanager:') || p.startsWith('ec2:'));

    // Assess
    assert.equal(config, undefined, `${name} is not in the VPC`);
    assert.deepEqual(granted, [], name);
  }
});

test('cdk-nag: no unacknowledged finding with the VPC placement', () => {
  // Act
  const report = nag.validateScope(stack);

  // Assess
  assert.deepEqual(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`), []);
});

test('without postgres props no function gets secrets or a VPC', () => {
  // Act
  const plain = synth(() => undefined);

  // Assess
  const json = JSON.stringify(plain.template.toJSON());
  assert.doesNotMatch(json, /secretsmanager:GetSecretValue|VpcConfig/);
});

test('a wildcard secret ARN is refused', () => {
  // Prepare
  const postgres = () => ({ secretArns: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:*'] });

  // Act
  const synthesize = () => synth(postgres);

  // Assess
  assert.throws(synthesize, InvalidPropsError);
});
