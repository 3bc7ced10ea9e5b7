/**
 * The API function under the synthesized policies, served by the local API
 * Gateway from the template's routes: starting a job runs the backup state
 * machine (`states:StartExecution`); without that grant the start fails as
 * it would in AWS and the run is not left looking started.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import type { LocalApiServer } from '../../../local/cloud/api-gateway.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { jobBody, send } from '../../control/api/support.js';
import { uniqueName } from '../../helpers/names.js';
import { functionRole, removeAction } from '../../helpers/template-edit.js';

async function startedJob(api: LocalApiServer, table: string) {
  const created = await send(api.url, 'POST', '/backup/jobs', JSON.stringify(jobBody(table)));
  assert.equal(created.status, 201, created.text);
  const run = await send(api.url, 'POST', `/backup/jobs/${created.body.job_id}/execute`, JSON.stringify({}));
  return { jobId: created.body.job_id as string, run };
}

describe('the API with the synthesized grants', () => {
  const table = uniqueName('apisrc');
  let cloud: LocalCloud;
  let api: LocalApiServer;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table] });
    api = await cloud.serveApi({ port: 0 });
    await seedTable(table, 10);
  });
  afterAll(async () => {
    await api.close();
    await cloud.close();
  });

  test('POST /backup/jobs/{job_id}/execute starts the backup state machine, which completes', async () => {
    // Act
    const { jobId, run } = await startedJob(api, table);

    // Assess
    assert.equal(run.status, 202, run.text);
    const execution = await cloud.workflows.wait(cloud.workflows.executionArn('backup', run.body.execution_id));
    assert.equal((await cloud.catalog.listExecutions({ job_id: jobId })).items[0]!.status, 'completed');
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  });
});

describe('the API without states:StartExecution', () => {
  const table = uniqueName('apisrc');
  let cloud: LocalCloud;
  let api: LocalApiServer;
  let removed = 0;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [table],
      editTemplate: (template) => {
        removed = removeAction(template, functionRole(template, 'ApiFunction/Function'), 'states:StartExecution');
      },
    });
    api = await cloud.serveApi({ port: 0 });
    await seedTable(table, 10);
  });
  afterAll(async () => {
    await api.close();
    await cloud.close();
  });

  test('POST /backup/jobs/{job_id}/execute fails with a server error and no run is left running', async () => {
    // Prepare
    assert.ok(removed > 0, 'the template granted states:StartExecution to the API function');

    // Act
    const { jobId, run } = await startedJob(api, table);

    // Assess
    assert.ok(run.status >= 500, `${run.status} ${run.text}`);
    assert.ok(cloud.denials.some((d) => d.decision.denied?.request.action === 'states:StartExecution'));
    const runs = (await cloud.catalog.listExecutions({ job_id: jobId })).items;
    assert.ok(runs.every((r) => r.status !== 'running'), JSON.stringify(runs.map((r) => r.status)));
  });
});
