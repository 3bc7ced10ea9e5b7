/**
 * The local stack's API: the API Lambda's handler with services wired to
 * the local stack (its catalog, its runner for workflows), served over HTTP.
 */
import type { ApiDeps } from '../../engine/api/deps.js';
import { AwsSourceChecker } from '../../engine/api/services/source-checker.js';
import { createApiHandler } from '../../functions/api/app.js';
import { readHavenVersion } from '../../infra/version.js';
import type { LocalStack } from '../stack/local-stack.js';
import { LocalWorkflowStarter } from './local-workflows.js';
import { startLocalApiServer, type LocalApiServer, type LocalApiServerOptions, type ProxyHandler } from './server.js';

/** The API's services on a local stack. */
export function localApiDeps(stack: LocalStack): ApiDeps {
  return {
    catalog: stack.catalog,
    workflows: new LocalWorkflowStarter(stack.runner),
    sources: new AwsSourceChecker(),
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
  const deps = localApiDeps(stack);
  const handler = createApiHandler(() => deps) as unknown as ProxyHandler;
  return startLocalApiServer(handler, options);
}
