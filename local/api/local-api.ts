/**
 * The local stack's API: the API Lambda's handler with services wired to
 * the local stack (its catalog, its runner for workflows, EventBridge
 * Scheduler in the emulator for job schedules), served over HTTP. A stack
 * created with `schedules` also fires those schedules (local/scheduler).
 */
import { ConflictException, CreateScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { backupsPort } from '../../engine/api/backups-port.js';
import type { ApiDeps } from '../../engine/api/deps.js';
import { AwsSourceChecker } from '../../engine/api/services/source-checker.js';
import { schedulerClient } from '../../engine/aws/clients.js';
import { schedulePort, SchedulerSync } from '../../engine/schedules/index.js';
import { createApiHandler } from '../../functions/api/app.js';
import { readHavenVersion } from '../../infra/version.js';
import type { LocalStack } from '../stack/local-stack.js';
import { LocalWorkflowStarter } from './local-workflows.js';
import { startLocalApiServer, type LocalApiServer, type LocalApiServerOptions, type ProxyHandler } from './server.js';

/** The role schedules name in the emulator (never assumed locally). */
const LOCAL_SCHEDULE_ROLE = 'arn:aws:iam::000000000000:role/haven-scheduler';

/** Creates the stack's schedule group in the emulator (once). */
async function scheduleGroup(stack: LocalStack): Promise<string> {
  const name = `haven-${stack.suffix}`;
  try {
    await schedulerClient().send(new CreateScheduleGroupCommand({ Name: name }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  return name;
}

/** The API's services on a local stack. */
export async function localApiDeps(stack: LocalStack): Promise<ApiDeps> {
  const groupName = await scheduleGroup(stack);
  return {
    catalog: stack.catalog,
    workflows: new LocalWorkflowStarter(stack.runner),
    schedules: schedulePort(new SchedulerSync({ groupName, roleArn: LOCAL_SCHEDULE_ROLE, stateMachineArn: stack.runner.stateMachineArn('backup') })),
    sources: new AwsSourceChecker(),
    backups: backupsPort(() => stack.deps),
    now: () => new Date(),
    version: readHavenVersion(),
  };
}

/**
 * Serves the API for a local stack.
 *
 * @param stack - the local stack
 * @param options - port (default `HAVEN_API_PORT` or 3000), host
 */
export async function startLocalApi(stack: LocalStack, options: LocalApiServerOptions = {}): Promise<LocalApiServer> {
  const deps = await localApiDeps(stack);
  const handler = createApiHandler(() => deps) as unknown as ProxyHandler;
  return startLocalApiServer(handler, options);
}
