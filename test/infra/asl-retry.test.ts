/**
 * The workflows' Retry lists match the transient error classes: a Retry
 * names only errors that retrying may cure (a class whose `transient` is
 * true, a Step Functions or Lambda service error, or a documented AWS SDK
 * error), and every Task retries every transient class its step can throw
 * (any step can: each reaches the vault, its key and a source or the
 * catalog). The classes come from the error registry (control/errors.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import { ERROR_CLASSES, transientErrorClasses } from '../../control/errors.js';
import { BACKUP_DEFINITION_FILE, PRUNE_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE } from '../../infra/paths.js';

interface AslState {
  Type: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  Branches?: Array<{ States: Record<string, AslState> }>;
}

interface TaskRetry {
  /** `<file> <state>`, for messages. */
  task: string;
  /** Every error name the Task's Retry entries match. */
  names: string[];
}

/**
 * Error names a Retry may list that are no Haven class: the AWS SDK's
 * throttling error, which reaches a step unwrapped when a catalog (DynamoDB),
 * Step Functions, Scheduler or EventBridge call is still throttled after the
 * SDK's own retries (only the vault, key and source clients map their errors
 * to typed ones).
 */
const SDK_ERRORS: ReadonlySet<string> = new Set(['ThrottlingException']);

/** Step Functions' and Lambda's own error names (`States.Timeout`, `Lambda.ServiceException`…). */
const SERVICE_ERROR = /^(States|Lambda)\./;

/** Every Task state of a definition with what its Retry entries name, nested Map and Parallel states included. */
function taskRetries(file: string): TaskRetry[] {
  const definition = JSON.parse(readFileSync(file, 'utf8')) as { States: Record<string, AslState> };
  const tasks: TaskRetry[] = [];
  const walk = (states: Record<string, AslState>): void => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') tasks.push({ task: `${path.basename(file)} ${name}`, names: (state.Retry ?? []).flatMap((r) => r.ErrorEquals) });
      for (const nested of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) if (nested) walk(nested.States);
    }
  };
  walk(definition.States);
  return tasks;
}

const allTaskRetries = (): TaskRetry[] => [BACKUP_DEFINITION_FILE, RESTORE_DEFINITION_FILE, VERIFY_DEFINITION_FILE, PRUNE_DEFINITION_FILE].flatMap(taskRetries);

test('the error registry marks the unavailable classes transient, and damage not', () => {
  // Act
  const transient = transientErrorClasses().map((c) => c.name);

  // Assess
  assert.ok(ERROR_CLASSES.length > 0);
  assert.ok(transient.includes('StorageUnavailableError'), transient.join(', '));
  assert.ok(!transient.includes('CorruptedBackupError'), 'damage is never retried');
});

test('every Haven error a Retry names is a transient class', () => {
  // Prepare
  const transient = new Set(transientErrorClasses().map((c) => c.name));

  // Act
  const untransient = allTaskRetries().flatMap(({ task, names }) => names.filter((n) => !SERVICE_ERROR.test(n) && !SDK_ERRORS.has(n) && !transient.has(n)).map((n) => `${task}: ${n}`));

  // Assess
  assert.deepEqual(untransient, [], 'a Retry names an error that is not a transient Haven class (nor a documented SDK error)');
});

test('every Task retries every transient class', () => {
  // Prepare
  const transient = transientErrorClasses().map((c) => c.name);

  // Act
  const missing = allTaskRetries().flatMap(({ task, names }) => transient.filter((n) => !names.includes(n)).map((n) => `${task}: ${n}`));

  // Assess
  assert.deepEqual(missing, [], 'a Task does not retry a transient error its step can throw');
});
