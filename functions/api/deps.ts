/** Builds the API's services from the function's environment, once per container. */
import type { ApiDeps } from '../../engine/api/deps.js';
import { SfnWorkflowStarter } from '../../engine/api/sfn-workflows.js';
import { AwsSourceChecker } from '../../engine/api/services/source-checker.js';
import { Catalog } from '../../engine/catalog/catalog.js';
import { MissingSettingError } from '../shared/env.js';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new MissingSettingError(`${name} is not set`);
  return value;
}

/** The API's services on AWS (or the emulator) from settings. */
export function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  return {
    catalog: new Catalog(required(env, 'HAVEN_CATALOG_TABLE')),
    workflows: new SfnWorkflowStarter({
      backup: required(env, 'HAVEN_BACKUP_STATE_MACHINE_ARN'),
      restore: required(env, 'HAVEN_RESTORE_STATE_MACHINE_ARN'),
    }),
    sources: new AwsSourceChecker(),
    now: () => new Date(),
    version: env.HAVEN_VERSION ?? '0.0.0',
  };
}

let cached: ApiDeps | undefined;

/** The container's services (built on first use). */
export function containerApiDeps(): ApiDeps {
  cached ??= apiDepsFromEnv();
  return cached;
}
