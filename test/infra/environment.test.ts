/**
 * The functions' environment against its one table (control/env.ts): every
 * `HAVEN_*` variable the synthesized template sets on a function is in the
 * table; every function's handler finds what it requires in the variables
 * the CDK app sets on it; and every variable a handler reads (an optional
 * one too) is one the CDK app sets, unless the table says no deployment
 * sets it. What a handler reads is observed, not listed: each function's
 * reader runs over the template's variables and every lookup is recorded.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HavenEnv, UNDEPLOYED_ENV, type HavenEnvName } from '../../control/env.js';
import { apiDepsFromEnv } from '../../functions/api/deps.js';
import { readSettings } from '../../functions/shared/env.js';
import { BACKUP_STEP_SPECS } from '../../infra/constructs/backup-functions.js';
import { HAVEN_ENTRY_METADATA } from '../../infra/constructs/haven-function.js';
import { PRUNE_STEP_SPECS } from '../../infra/constructs/prune-functions.js';
import { COPY_STEP_SPECS } from '../../infra/constructs/copy-functions.js';
import { RESTORE_STEP_SPECS } from '../../infra/constructs/restore-functions.js';
import { VERIFY_STEP_SPECS } from '../../infra/constructs/verify-functions.js';
import { HavenContextKey } from '../../infra/config.js';
import { functionEntry, REPO_ROOT } from '../../infra/paths.js';
import { synthHaven } from './support/haven-app.js';

interface SynthesizedFunction {
  readonly id: string;
  /** The entry file, relative to the repository. */
  readonly entry: string;
  /** Its `HAVEN_*` variables; values CloudFormation resolves at deploy time are stand-ins. */
  readonly variables: Readonly<Record<string, string>>;
}

/** Every function of a template with its entry and its `HAVEN_*` variables. */
function functionsOf(template: ReturnType<typeof synthHaven>['template']): SynthesizedFunction[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Metadata?: Record<string, unknown>; Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => ({
      id,
      entry: (r.Metadata?.[HAVEN_ENTRY_METADATA] as { entry: string }).entry,
      variables: Object.fromEntries(
        Object.entries(r.Properties.Environment?.Variables ?? {})
          .filter(([name]) => name.startsWith('HAVEN_'))
          .map(([name, value]) => [name, typeof value === 'string' ? value : `<deploy-time ${name}>`]),
      ),
    }));
}

const relative = (file: string) => path.relative(REPO_ROOT, file);
const WORKFLOW_ENTRIES = new Set([BACKUP_STEP_SPECS, RESTORE_STEP_SPECS, VERIFY_STEP_SPECS, PRUNE_STEP_SPECS, COPY_STEP_SPECS].flatMap((specs) => Object.values(specs).map((spec) => relative(spec.entry))));
const API_ENTRY = relative(functionEntry('api'));

/** What a function's handler reads from its environment when its container starts (the API reads the vault's settings on first use). */
function readerOf(entry: string): (env: NodeJS.ProcessEnv) => void {
  if (entry === API_ENTRY) {
    return (env) => {
      apiDepsFromEnv(env);
      readSettings(env);
    };
  }
  assert.ok(WORKFLOW_ENTRIES.has(entry), `${entry}: a function whose environment reader this test does not know`);
  return (env) => void readSettings(env);
}

/** The `HAVEN_*` names a reader looks up in an environment holding `variables`. */
function namesRead(read: (env: NodeJS.ProcessEnv) => void, variables: Readonly<Record<string, string>>): string[] {
  const looked = new Set<string>();
  const env = new Proxy({ ...variables } as NodeJS.ProcessEnv, {
    get(target, name) {
      if (typeof name === 'string' && name.startsWith('HAVEN_')) looked.add(name);
      return Reflect.get(target, name);
    },
  });
  read(env);
  return [...looked].sort();
}

const TABLE: ReadonlySet<string> = new Set(Object.values(HavenEnv));
const UNDEPLOYED: ReadonlySet<string> = new Set(Object.keys(UNDEPLOYED_ENV));

// Object Lock on and another vault bucket: the optional variables the default deployment leaves out.
const OTHER_VAULT_BUCKET = { bucket: 'haven-other-vault', region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/other' };
const deployments = [
  synthHaven(),
  synthHaven({ context: { [HavenContextKey.ObjectLockMode]: 'GOVERNANCE', [HavenContextKey.ObjectLockDays]: '30', [HavenContextKey.VaultBuckets]: JSON.stringify([OTHER_VAULT_BUCKET]) } }),
];
const functions = deployments.flatMap(({ template }) => functionsOf(template));

test('every HAVEN_* variable the template sets on a function is in the table, and none the table says no deployment sets', () => {
  // Prepare
  const set = new Set(functions.flatMap((fn) => Object.keys(fn.variables)));

  // Act
  const unknown = [...set].filter((name) => !TABLE.has(name));
  const undeployed = [...set].filter((name) => UNDEPLOYED.has(name));

  // Assess
  assert.ok(set.size > 0);
  assert.deepEqual(unknown, []);
  assert.deepEqual(undeployed, []);
});

test('every function\'s handler finds each variable it cannot do without in the environment the CDK app gives it', () => {
  for (const fn of functions) {
    // Prepare
    const read = readerOf(fn.entry);

    // Act
    const reading = () => namesRead(read, fn.variables);

    // Assess
    assert.doesNotThrow(reading, `${fn.id} (${fn.entry})`);
  }
});

test('every variable a handler reads is in the table, and set on some function by the CDK app or one the table says no deployment sets', () => {
  // Prepare
  const set = new Set(functions.flatMap((fn) => Object.keys(fn.variables)));

  // Act
  const reads = functions.flatMap((fn) => namesRead(readerOf(fn.entry), fn.variables).map((name) => ({ fn, name })));

  // Assess
  assert.ok(reads.length > 0);
  for (const { fn, name } of reads) {
    assert.ok(TABLE.has(name), `${fn.id} (${fn.entry}) reads ${name}, which is not in the table`);
    assert.ok(set.has(name) || UNDEPLOYED.has(name), `${fn.id} (${fn.entry}) reads ${name}, which the CDK app never sets`);
  }
});

test('every variable of the table is set on some function by the CDK app, or says what sets it instead', () => {
  // Prepare
  const set = new Set(functions.flatMap((fn) => Object.keys(fn.variables)));

  // Act
  const orphans = Object.values(HavenEnv).filter((name: HavenEnvName) => !set.has(name) && !UNDEPLOYED.has(name));

  // Assess
  assert.deepEqual(orphans, []);
  for (const [name, why] of Object.entries(UNDEPLOYED_ENV)) assert.ok(TABLE.has(name) && why.length > 0, name);
});

test('the emulator\'s launcher looks up the function host under the table\'s name', () => {
  // Prepare
  const launcher = readFileSync(path.join(REPO_ROOT, 'local', 'emulator', 'moto_launcher.py'), 'utf8');

  // Act
  const name = /^HOST_VARIABLE = "(\w+)"$/m.exec(launcher)?.[1];

  // Assess
  assert.equal(name, HavenEnv.LocalFunctionHost);
});
