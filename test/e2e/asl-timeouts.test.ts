/**
 * Every Task state of every synthesized state machine gives its function
 * exactly the function's own timeout (a shorter TimeoutSeconds lets Step
 * Functions give up on, and retry, an invocation that is still running), and
 * no Task whose step is unsafe to run twice at once retries `States.Timeout`
 * (the step specs' `rerunnable` says which steps are safe, and why).
 * Tasks are matched to functions through the state machines'
 * DefinitionSubstitutions, as CloudFormation resolves them; each definition
 * is read from the synthesized assembly's asset, as CloudFormation reads it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import { BACKUP_STEP_SPECS } from '../../infra/constructs/backup-functions.js';
import { PRUNE_STEP_SPECS } from '../../infra/constructs/prune-functions.js';
import { COPY_STEP_SPECS } from '../../infra/constructs/copy-functions.js';
import { RESTORE_STEP_SPECS } from '../../infra/constructs/restore-functions.js';
import { VERIFY_STEP_SPECS } from '../../infra/constructs/verify-functions.js';
import type { WorkflowStepSpec } from '../../infra/constructs/workflow-functions.js';
import { synthHaven } from '../infra/support/haven-app.js';

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[] }>;
  ItemProcessor?: { States: Record<string, AslState> };
  Branches?: Array<{ States: Record<string, AslState> }>;
}

interface TaskRef {
  machine: string;
  state: string;
  task: AslState;
}

/** Every Task state, with those inside Map states and Parallel branches. */
function tasks(machine: string, states: Record<string, AslState>): TaskRef[] {
  return Object.entries(states).flatMap(([state, task]): TaskRef[] => [
    ...(task.Type === 'Task' ? [{ machine, state, task }] : []),
    ...(task.ItemProcessor ? tasks(machine, task.ItemProcessor.States) : []),
    ...(task.Branches ?? []).flatMap((branch) => tasks(machine, branch.States)),
  ]);
}

/** Every step's spec, the one declaration of its substitution key and whether it may rerun. */
const SPECS: ReadonlyArray<WorkflowStepSpec<string>> = [BACKUP_STEP_SPECS, RESTORE_STEP_SPECS, VERIFY_STEP_SPECS, PRUNE_STEP_SPECS, COPY_STEP_SPECS].flatMap((table) => Object.values<WorkflowStepSpec<string>>(table));
const SPEC_OF_KEY = new Map(SPECS.map((spec) => [spec.substitution, spec]));

const { app, template } = synthHaven();
const assembly = app.synth();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');

/** Each Task with its substitution key, the step's spec and its function's synthesized Timeout. */
const checked = machines.flatMap(([machineId, machine]) => {
  const location = machine.Properties.DefinitionS3Location as { Key: string };
  const definition = JSON.parse(readFileSync(path.join(assembly.directory, `asset.${location.Key}`), 'utf8')) as { States: Record<string, AslState> };
  const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
  return tasks(machineId, definition.States).map(({ machine: id, state, task }) => {
    const key = /^\$\{(\w+)\}$/.exec(task.Resource ?? '')?.[1];
    assert.ok(key, `${id} / ${state}: Resource ${task.Resource} is not a substitution`);
    const [functionId, attribute] = substitutions[key]?.['Fn::GetAtt'] ?? [];
    assert.equal(attribute, 'Arn', `${id} / ${state}: ${key} is not a function's ARN`);
    const fn = resources[functionId!];
    assert.equal(fn?.Type, 'AWS::Lambda::Function', `${id} / ${state}: ${key} names ${functionId}`);
    const spec = SPEC_OF_KEY.get(key);
    assert.ok(spec, `${id} / ${state}: ${key} is in no step spec`);
    return { at: `${id} / ${state} (${spec.id})`, task, spec, timeout: fn!.Properties.Timeout as number };
  });
});

test('the step specs\' substitution keys are unique across the five workflows, and every state machine was found', () => {
  // Act
  const keys = SPECS.map((spec) => spec.substitution);

  // Assess
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(machines.length, 5);
  // A Distributed Map child's Record failure invokes its workflow's Mark failed function too.
  assert.deepEqual([...new Set(checked.map(({ spec }) => spec.substitution))].sort(), [...keys].sort(), 'each function backs a Task state');
});

test('every Task state\'s TimeoutSeconds equals its function\'s timeout', () => {
  // Act
  for (const { at, task, timeout } of checked) {
    // Assess
    assert.ok(Number.isInteger(timeout) && timeout > 0, `${at}: function timeout ${timeout}`);
    assert.equal(task.TimeoutSeconds, timeout, `${at}: TimeoutSeconds ${task.TimeoutSeconds}, function timeout ${timeout}`);
  }
});

test('no Task whose step must not run twice at once retries States.Timeout', () => {
  // Prepare
  const rerunnable = new Set<string>();

  // Act
  for (const { at, task, spec } of checked) {
    const retried = (task.Retry ?? []).flatMap((r) => r.ErrorEquals);
    if (spec.rerunnable) {
      rerunnable.add(spec.substitution);
      continue;
    }

    // Assess
    assert.ok(!retried.includes('States.Timeout') && !retried.includes('States.ALL'), `${at} retries ${retried.join(', ')}`);
  }

  // Assess
  assert.equal(rerunnable.size, SPECS.filter((spec) => spec.rerunnable).length, 'every rerunnable step backs a Task');
  assert.ok(rerunnable.size > 0);
});
