/**
 * The CLI's routes against the API's route table: every route the CLI calls
 * that the API serves must match in method and path (a PATCH/PUT or path
 * mix-up fails here, before a user sees a 404/405). Routes another branch
 * adds later can be listed as pending until they exist (none are now).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { API_ROUTES } from '../../control/api/routes.js';
import { Routes } from '../../cli/api/routes.js';

const template = (path: string) => decodeURIComponent(path);

/** Every call the CLI makes: method and path template. */
const CLI_CALLS: ReadonlyArray<[string, string]> = [
  ['POST', Routes.jobs],
  ['GET', Routes.jobs],
  ['GET', template(Routes.job('{job_id}'))],
  ['PUT', template(Routes.job('{job_id}'))],
  ['DELETE', template(Routes.job('{job_id}'))],
  ['POST', template(Routes.execute('{job_id}'))],
  ['GET', template(Routes.jobStatus('{job_id}'))],
  ['GET', template(Routes.jobRetention('{job_id}'))],
  ['POST', template(Routes.cancelExecution('{execution_id}'))],
  ['GET', Routes.files],
  ['GET', template(Routes.backup('{backup_id}'))],
  ['DELETE', template(Routes.backup('{backup_id}'))],
  ['POST', template(Routes.verify('{backup_id}'))],
  ['GET', template(Routes.verification('{verification_id}'))],
  ['POST', Routes.restores],
  ['GET', Routes.restores],
  ['GET', template(Routes.restoreStatus('{restore_id}'))],
  ['GET', Routes.analytics],
];

/** Routes that arrive with other helpers' branches. */
const PENDING = new Set<string>([]);

test("every route the CLI calls is in the API's route table (or pending another branch)", () => {
  // Prepare
  const served = new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`));

  // Act
  const missing = CLI_CALLS.map(([m, p]) => `${m} ${p}`).filter((call) => !served.has(call) && !PENDING.has(call));

  // Assess
  assert.deepEqual(missing, []);
  const pendingNowServed = [...PENDING].filter((call) => served.has(call));
  if (pendingNowServed.length) process.stdout.write(`# now served: ${pendingNowServed.join(', ')}\n`);
});

