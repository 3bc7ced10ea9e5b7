/**
 * The backup state machine: its ASL file, its substitutions, and its logging
 * and tracing. The definition is also run locally once substituted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { BACKUP_SUBSTITUTION_KEYS } from '../../infra/constructs/backup-state-machine.js';
import { BACKUP_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';

const { app, template } = synthHaven();
const aslText = readFileSync(BACKUP_DEFINITION_FILE, 'utf8');
const placeholders = new Set([...aslText.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string));

interface StateMachineProps {
  DefinitionS3Location: { Bucket: string; Key: string };
  DefinitionSubstitutions: Record<string, unknown>;
  LoggingConfiguration: { Level: string; IncludeExecutionData: boolean; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] };
  TracingConfiguration: { Enabled: boolean };
  StateMachineType: string;
}

const machines = template.findResources('AWS::StepFunctions::StateMachine');
const machine = (Object.values(machines)[0] as { Properties: StateMachineProps }).Properties;

test('one STANDARD state machine', () => {
  assert.equal(Object.keys(machines).length, 1);
  assert.equal(machine.StateMachineType, 'STANDARD');
});

test('every ${...} placeholder in backup.asl.json is a declared substitution key, and every key is used', () => {
  assert.ok(placeholders.size > 0);
  for (const name of placeholders) assert.match(name, /^[A-Za-z][A-Za-z0-9]*$/, `placeholder \${${name}} is a plain name`);
  assert.deepEqual([...placeholders].sort(), [...BACKUP_SUBSTITUTION_KEYS].sort());
});

test('the synthesized DefinitionSubstitutions cover exactly the placeholders, each with a value', () => {
  assert.deepEqual(Object.keys(machine.DefinitionSubstitutions).sort(), [...placeholders].sort());
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  assert.deepEqual(machine.DefinitionSubstitutions.VaultBucketName, { Ref: Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }))[0] });
  for (const value of Object.values(machine.DefinitionSubstitutions)) {
    const ref = (value as { Ref?: string }).Ref;
    assert.ok(ref && resources[ref], `substitution refers to a resource in the stack: ${JSON.stringify(value)}`);
  }
});

test('the definition is loaded from the ASL file, unchanged, as a file asset', () => {
  const staged = path.join(app.outdir, `asset.${machine.DefinitionS3Location.Key}`);
  assert.ok(existsSync(staged), staged);
  assert.equal(readFileSync(staged, 'utf8'), aslText);
});

test('the definition is valid JSONPath ASL whose transitions all resolve', () => {
  const asl = JSON.parse(aslText) as { QueryLanguage?: string; StartAt: string; States: Record<string, { Type: string; Next?: string; End?: boolean }> };
  assert.equal(asl.QueryLanguage ?? 'JSONPath', 'JSONPath');
  assert.ok(asl.States[asl.StartAt], 'StartAt names a state');
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Next) assert.ok(asl.States[state.Next], `${name}.Next names a state`);
    else assert.ok(['Succeed', 'Fail'].includes(state.Type) || state.End === true, `${name} ends or moves on`);
  }
});

test('once substituted, the definition runs to success and carries the resource names', async () => {
  let substituted = aslText;
  for (const key of BACKUP_SUBSTITUTION_KEYS) substituted = substituted.replaceAll(`\${${key}}`, `test-${key}`);
  const result = await new StateMachine(JSON.parse(substituted)).run({ jobId: 'job-1' }).result;
  assert.deepEqual(result, { jobId: 'job-1', plan: { vaultBucket: 'test-VaultBucketName', catalogTable: 'test-CatalogTableName' } });
});

test('logs ALL events (without execution data) to a vended-logs group with bounded retention', () => {
  assert.equal(machine.LoggingConfiguration.Level, 'ALL');
  assert.equal(machine.LoggingConfiguration.IncludeExecutionData, false);
  const logGroupId = machine.LoggingConfiguration.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
  const group = template.toJSON().Resources[logGroupId];
  assert.equal(group.Type, 'AWS::Logs::LogGroup');
  assert.match(group.Properties.LogGroupName, /^\/aws\/vendedlogs\/states\//);
  assert.equal(group.Properties.RetentionInDays, 30);
});

test('X-Ray tracing is on', () => {
  assert.deepEqual(machine.TracingConfiguration, { Enabled: true });
});
