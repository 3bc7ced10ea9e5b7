/**
 * The backup state machine: its ASL file, its substitutions, and its logging
 * and tracing. The definition is also run locally once substituted, each
 * Lambda task replaced by a stub.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
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

test('the synthesized DefinitionSubstitutions cover exactly the placeholders, each a Lambda function ARN in the stack', () => {
  assert.deepEqual(Object.keys(machine.DefinitionSubstitutions).sort(), [...placeholders].sort());
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  const targets = new Set<string>();
  for (const [key, value] of Object.entries(machine.DefinitionSubstitutions)) {
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    assert.ok(getAtt && getAtt[1] === 'Arn', `${key} is a GetAtt Arn: ${JSON.stringify(value)}`);
    assert.equal(resources[getAtt[0]]?.Type, 'AWS::Lambda::Function', key);
    targets.add(getAtt[0]);
  }
  assert.equal(targets.size, placeholders.size, 'each placeholder names a different function');
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

/** The definition with each placeholder replaced by a recognizable (fake) function ARN. */
function substitutedDefinition(): StateMachineDefinition {
  let substituted = aslText;
  for (const key of BACKUP_SUBSTITUTION_KEYS) {
    substituted = substituted.replaceAll(`\${${key}}`, `arn:aws:lambda:us-east-1:123456789012:function:haven-${key}`);
  }
  assert.doesNotMatch(substituted, /\$\{/, 'no placeholder left');
  return JSON.parse(substituted) as StateMachineDefinition;
}

/** Every Task state's Resource, by state name, walking Map item processors too. */
function taskResources(states: Record<string, AslState>, found: Record<string, string> = {}): Record<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource) found[name] = state.Resource;
    if (state.ItemProcessor) taskResources(state.ItemProcessor.States, found);
  }
  return found;
}

interface AslState {
  Type: string;
  Resource?: string;
  ItemProcessor?: { States: Record<string, AslState> };
}

test('every Task invokes a substituted function ARN directly', () => {
  const resources = taskResources((substitutedDefinition() as unknown as { States: Record<string, AslState> }).States);
  assert.equal(Object.keys(resources).length, BACKUP_SUBSTITUTION_KEYS.length);
  assert.deepEqual(
    Object.values(resources).sort(),
    BACKUP_SUBSTITUTION_KEYS.map((key) => `arn:aws:lambda:us-east-1:123456789012:function:haven-${key}`).sort(),
  );
});

type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** Local stand-ins for the six functions, recording each call. */
function stubs(failAt?: string) {
  const calls: { state: string; input: unknown }[] = [];
  const step = (state: string, output: (input: Record<string, unknown>) => JSONValue) => (input: JSONValue) => {
    calls.push({ state, input });
    if (state === failAt) throw Object.assign(new Error(`${state} broke`), { name: 'CorruptedBackupError' });
    return output(input as Record<string, unknown>);
  };
  const context = { job_id: 'job-1', execution_id: 'exec-1' };
  const handlers = {
    Plan: step('Plan', () => ({ execution_id: 'exec-1', context, partitions: [{ name: 'p0' }, { name: 'p1' }], max_concurrency: 2 })),
    'Export partition': step('Export partition', (input) => ({ exported: input.index as number })),
    'Commit snapshot': step('Commit snapshot', () => ({ snapshot_id: 'snap-1' })),
    Verify: step('Verify', () => ({ ok: true })),
    Finalize: step('Finalize', (input) => ({ status: 'COMPLETED', commit: input.commit as JSONValue })),
    'Mark failed': step('Mark failed', () => ({ status: 'FAILED' })),
  };
  return { calls, handlers };
}

test('runs locally: plan, one export per partition, commit, verify, finalize; Mark failed never runs', async () => {
  const { calls, handlers } = stubs();
  const result = await new StateMachine(substitutedDefinition()).run({ job_id: 'job-1' }, { overrides: { taskResourceLocalHandlers: handlers } }).result;
  assert.deepEqual(result, { status: 'COMPLETED', commit: { snapshot_id: 'snap-1' } });
  assert.deepEqual(calls.map((c) => c.state).sort(), ['Commit snapshot', 'Export partition', 'Export partition', 'Finalize', 'Plan', 'Verify']);
  const exports = calls.filter((c) => c.state === 'Export partition').map((c) => c.input as { index: number; partition: unknown; context: unknown });
  assert.deepEqual(exports.map((e) => e.index).sort(), [0, 1]);
  for (const e of exports) assert.deepEqual(e.context, { job_id: 'job-1', execution_id: 'exec-1' });
});

test('runs locally: a failing step leads to Mark failed, then the execution fails with BackupFailed', async () => {
  const { calls, handlers } = stubs('Commit snapshot');
  await assert.rejects(
    new StateMachine(substitutedDefinition()).run({ job_id: 'job-1' }, { overrides: { taskResourceLocalHandlers: handlers } }).result,
    (error: unknown) => error instanceof ExecutionError && (error.cause as Error | undefined)?.name === 'BackupFailed',
  );
  const failed = calls.find((c) => c.state === 'Mark failed');
  assert.ok(failed, 'Mark failed ran');
  const state = (failed.input as { state: { error: { Error: string } } }).state;
  assert.equal(state.error.Error, 'CorruptedBackupError');
  assert.equal(calls.some((c) => c.state === 'Verify' || c.state === 'Finalize'), false);
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
