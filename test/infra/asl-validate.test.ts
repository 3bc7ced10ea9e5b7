/**
 * Every state machine definition (`statemachines/*.asl.json`) is valid
 * Amazon States Language by asl-validator: its JSON schema (state types,
 * fields, paths, ARNs) and its checks of transitions (every `Next` and
 * `Default` names a state, every state is reachable, a terminal state
 * exists, no duplicate names). The `${…}` placeholders CDK fills are
 * replaced by function ARNs of the right shape first.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { aslPlaceholders } from '../../infra/constructs/workflow-state-machine.js';
import { REPO_ROOT } from '../../infra/paths.js';

/** What asl-validator returns (the package ships no types). */
interface AslValidation {
  isValid: boolean;
  errors: unknown[];
  errorsText: (separator?: string) => string;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidation;

const validate = createRequire(import.meta.url)('asl-validator') as AslValidator;
const DIR = path.join(REPO_ROOT, 'statemachines');
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.asl.json')).sort();

/** The definition with each `${Name}` replaced by the ARN of a function called Name. */
function substituted(text: string): unknown {
  let out = text;
  for (const name of aslPlaceholders(text)) out = out.split(`\${${name}}`).join(`arn:aws:lambda:us-east-1:123456789012:function:${name}`);
  return JSON.parse(out);
}

test('the five workflows have definitions to validate', () => {
  // Act
  const files = readdirSync(DIR).filter((name) => name.endsWith('.asl.json')).sort();

  // Assess
  assert.deepEqual(files, ['backup.asl.json', 'copy.asl.json', 'prune.asl.json', 'restore.asl.json', 'verify.asl.json']);
});

for (const file of FILES) {
  test(`${file} is valid Amazon States Language`, () => {
    // Prepare
    const definition = substituted(readFileSync(path.join(DIR, file), 'utf8'));

    // Act
    const result = validate(definition, { checkPaths: true, checkArn: true });

    // Assess
    assert.equal(result.isValid, true, result.errorsText('\n'));
  });
}

test('control: a definition with a dangling Next and an unknown state type is refused', () => {
  // Prepare
  const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' }, B: { Type: 'Teleport', End: true } } };

  // Act
  const result = validate(definition);

  // Assess
  assert.equal(result.isValid, false);
  assert.ok(result.errors.length > 0);
});
