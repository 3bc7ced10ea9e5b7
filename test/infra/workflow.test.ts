/**
 * The workflows' state machines (backup, restore, verify and prune): their
 * ASL files against their step tables (placeholders, handlers), their
 * substitutions, and their logging and tracing.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { BACKUP_STEP_SPECS } from '../../infra/constructs/backup-functions.js';
import { PRUNE_STEP_SPECS } from '../../infra/constructs/prune-functions.js';
import { COPY_STEP_SPECS } from '../../infra/constructs/copy-functions.js';
import { RESTORE_STEP_SPECS } from '../../infra/constructs/restore-functions.js';
import { VERIFY_STEP_SPECS } from '../../infra/constructs/verify-functions.js';
import type { WorkflowStepSpec } from '../../infra/constructs/workflow-functions.js';
import { aslPlaceholders } from '../../infra/constructs/workflow-state-machine.js';
import { BACKUP_DEFINITION_FILE, COPY_DEFINITION_FILE, PRUNE_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';
import { logicalId } from './support/template.js';

const { app, stack, template } = synthHaven();

interface StateMachineProps {
  DefinitionS3Location: { Bucket: string; Key: string };
  DefinitionSubstitutions: Record<string, unknown>;
  LoggingConfiguration: { Level: string; IncludeExecutionData: boolean; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] };
  TracingConfiguration: { Enabled: boolean };
  StateMachineType: string;
}

const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const machines = template.findResources('AWS::StepFunctions::StateMachine');

interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Choices?: { Next: string }[];
  Default?: string;
  ItemProcessor?: { StartAt: string; States: Record<string, AslState> };
  Branches?: Array<{ StartAt: string; States: Record<string, AslState> }>;
}

/** Every Task state's Resource, by state name, walking Map item processors and Parallel branches too. */
function taskResources(states: Record<string, AslState>, found: Record<string, string> = {}): Record<string, string> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource) found[name] = state.Resource;
    if (state.ItemProcessor) taskResources(state.ItemProcessor.States, found);
    for (const branch of state.Branches ?? []) taskResources(branch.States, found);
  }
  return found;
}

/** A definition with each placeholder replaced by a recognizable (fake) function ARN. */
function substitute(aslText: string, keys: readonly string[]): { States: Record<string, AslState> } {
  let substituted = aslText;
  for (const key of keys) substituted = substituted.replaceAll(`\${${key}}`, `arn:aws:lambda:us-east-1:123456789012:function:haven-${key}`);
  assert.doesNotMatch(substituted, /\$\{/, 'no placeholder left');
  return JSON.parse(substituted) as { States: Record<string, AslState> };
}

/** A workflow's steps, as its step table declares them. */
const specsOf = (table: Readonly<Record<string, WorkflowStepSpec<string>>>): WorkflowStepSpec<string>[] => Object.values(table);

const WORKFLOWS = [
  { name: 'backup', file: BACKUP_DEFINITION_FILE, specs: specsOf(BACKUP_STEP_SPECS), construct: stack.backupWorkflow, functions: stack.backupFunctions.bySubstitution() },
  { name: 'restore', file: RESTORE_DEFINITION_FILE, specs: specsOf(RESTORE_STEP_SPECS), construct: stack.restoreWorkflow, functions: stack.restoreFunctions.bySubstitution() },
  { name: 'verify', file: VERIFY_DEFINITION_FILE, specs: specsOf(VERIFY_STEP_SPECS), construct: stack.verifyWorkflow, functions: stack.verifyFunctions.bySubstitution() },
  { name: 'prune', file: PRUNE_DEFINITION_FILE, specs: specsOf(PRUNE_STEP_SPECS), construct: stack.pruneWorkflow, functions: stack.pruneFunctions.bySubstitution() },
  { name: 'copy', file: COPY_DEFINITION_FILE, specs: specsOf(COPY_STEP_SPECS), construct: stack.copyWorkflow, functions: stack.copyFunctions.bySubstitution() },
].map((workflow) => ({ ...workflow, keys: workflow.specs.map((spec) => spec.substitution) }));

test('five STANDARD state machines: backup, restore, verify, prune and copy', () => {
  // Act
  const types = WORKFLOWS.map(({ construct }) => (resources[logicalId(stack, construct.stateMachine)]?.Properties as unknown as StateMachineProps).StateMachineType);

  // Assess
  assert.equal(Object.keys(machines).length, 5);
  assert.deepEqual(types, ['STANDARD', 'STANDARD', 'STANDARD', 'STANDARD', 'STANDARD']);
});

for (const workflow of WORKFLOWS) {
  const aslText = readFileSync(workflow.file, 'utf8');
  const placeholders = aslPlaceholders(aslText);
  const machineId = logicalId(stack, workflow.construct.stateMachine);
  const machine = resources[machineId]?.Properties as unknown as StateMachineProps;
  const file = path.basename(workflow.file);

  test(`${workflow.name}: the \${...} placeholders of ${file} are exactly its steps' substitution keys`, () => {
    // Prepare
    const declared = [...workflow.keys].sort();

    // Act
    const used = [...placeholders].sort();

    // Assess
    assert.ok(used.length > 0);
    for (const name of used) assert.match(name, /^[A-Za-z][A-Za-z0-9]*$/, `placeholder \${${name}} is a plain name`);
    assert.deepEqual(used, declared);
  });

  /** The workflow's entry modules, each imported. */
  const entryModules = async () => {
    const entries = [...new Set(workflow.specs.map((spec) => spec.entry))];
    return new Map(await Promise.all(entries.map(async (entry) => [entry, (await import(entry)) as Record<string, unknown>] as const)));
  };

  test(`${workflow.name}: every step's handler is a function its entry module exports`, async () => {
    // Act
    const modules = await entryModules();

    // Assess
    for (const spec of workflow.specs) assert.equal(typeof modules.get(spec.entry)?.[spec.handler], 'function', `${spec.id}: ${path.relative(process.cwd(), spec.entry)} exports ${spec.handler}`);
  });

  test(`${workflow.name}: an entry module exports its steps' handlers and nothing else`, async () => {
    // Act
    const modules = await entryModules();

    // Assess
    for (const [entry, module] of modules) {
      const handlers = workflow.specs.filter((spec) => spec.entry === entry).map((spec) => spec.handler);
      assert.deepEqual(Object.keys(module).sort(), handlers.sort(), `${path.relative(process.cwd(), entry)} exports one handler per step`);
    }
  });

  test(`${workflow.name}: the synthesized DefinitionSubstitutions cover exactly the placeholders, each its own workflow function's ARN`, () => {
    // Act
    const substitutions = machine.DefinitionSubstitutions;

    // Assess
    assert.deepEqual(Object.keys(substitutions).sort(), [...placeholders].sort());
    const targets = new Set<string>();
    for (const key of workflow.keys) {
      const value = substitutions[key];
      const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      assert.ok(getAtt && getAtt[1] === 'Arn', `${key} is a GetAtt Arn: ${JSON.stringify(value)}`);
      assert.equal(resources[getAtt[0]]?.Type, 'AWS::Lambda::Function', key);
      assert.equal(getAtt[0], logicalId(stack, (workflow.functions as Record<string, lambda.IFunction>)[key] as lambda.IFunction), key);
      targets.add(getAtt[0]);
    }
    assert.equal(targets.size, placeholders.length, 'each placeholder names a different function');
  });

  test(`${workflow.name}: the definition is loaded from ${file}, unchanged, as a file asset`, () => {
    // Prepare
    const staged = path.join(app.outdir, `asset.${machine.DefinitionS3Location.Key}`);

    // Act
    const written = existsSync(staged);

    // Assess
    assert.ok(written, staged);
    assert.equal(readFileSync(staged, 'utf8'), aslText);
  });

  test(`${workflow.name}: the definition is valid JSONPath ASL whose transitions all resolve`, () => {
    // Act
    const asl = JSON.parse(aslText) as { QueryLanguage?: string; StartAt: string; States: Record<string, AslState> };

    // Assess
    assert.equal(asl.QueryLanguage ?? 'JSONPath', 'JSONPath');
    const check = (startAt: string, states: Record<string, AslState>) => {
      assert.ok(states[startAt], `StartAt ${startAt} names a state`);
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Choice') {
          for (const next of [...(state.Choices ?? []).map((c) => c.Next), ...(state.Default ? [state.Default] : [])]) assert.ok(states[next], `${name} chooses ${next}, a state`);
        } else if (state.Next) assert.ok(states[state.Next], `${name}.Next names a state`);
        else assert.ok(['Succeed', 'Fail'].includes(state.Type) || state.End === true, `${name} ends or moves on`);
        if (state.ItemProcessor) check(state.ItemProcessor.StartAt, state.ItemProcessor.States);
        for (const branch of state.Branches ?? []) check(branch.StartAt, branch.States);
      }
    };
    check(asl.StartAt, asl.States);
  });

  test(`${workflow.name}: every Task invokes a substituted function ARN directly`, () => {
    // Prepare
    const definition = substitute(aslText, workflow.keys);

    // Act
    const found = taskResources(definition.States);

    // Assess (a Distributed Map child's Record failure invokes its workflow's Mark failed function too)
    assert.deepEqual([...new Set(Object.values(found))].sort(), workflow.keys.map((key) => `arn:aws:lambda:us-east-1:123456789012:function:haven-${key}`).sort());
  });

  test(`${workflow.name}: logs ALL events (without execution data) to its own vended-logs group with bounded retention`, () => {
    // Act
    const logging = machine.LoggingConfiguration;

    // Assess
    assert.equal(logging.Level, 'ALL');
    assert.equal(logging.IncludeExecutionData, false);
    const logGroupId = logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    assert.equal(logGroupId, logicalId(stack, workflow.construct.logGroup));
    const group = resources[logGroupId] as { Type: string; Properties: { LogGroupName: string; RetentionInDays: number } };
    assert.equal(group.Type, 'AWS::Logs::LogGroup');
    assert.match(group.Properties.LogGroupName, /^\/aws\/vendedlogs\/states\//);
    assert.equal(group.Properties.RetentionInDays, 30);
  });

  test(`${workflow.name}: X-Ray on`, () => {
    // Act
    const tracing = machine.TracingConfiguration;

    // Assess
    assert.deepEqual(tracing, { Enabled: true });
  });
}

test('the two workflows log to different groups', () => {
  // Act
  const [backup, restore] = [stack.backupWorkflow.logGroup, stack.restoreWorkflow.logGroup].map((group) => logicalId(stack, group));

  // Assess
  assert.notEqual(backup, restore);
});

