/** Builds the API's services from the function's environment, once per container. */
import { backupsPort } from '../../control/api/backups-port.js';
import type { ApiDeps } from '../../control/api/deps.js';
import { InternalApiError } from '../../control/api/errors.js';
import { CatalogRateLimiter } from '../../control/api/rate-limit.js';
import { SfnWorkflowStarter } from '../../control/api/sfn-workflows.js';
import { AwsSourceChecker } from '../../control/api/services/source-checker.js';
import { Catalog } from '../../control/catalog/catalog.js';
import { schedulePort, scheduleOptionsFromEnv, SCHEDULE_ENV, SchedulerSync } from '../../control/schedules/index.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { workflowDeps } from '../shared/deps.js';
import { MissingSettingError, readSettings } from '../shared/env.js';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new MissingSettingError(`${name} is not set`);
  return value;
}

function scheduleOptions(env: NodeJS.ProcessEnv) {
  const options = scheduleOptionsFromEnv(env);
  if (!options) throw new MissingSettingError(`${Object.values(SCHEDULE_ENV).join(', ')} must all be set`);
  return options;
}

/** Builds on first use; a missing vault setting is the deployment's fault (500), never the caller's. */
function lazy(build: () => WorkflowDeps): () => WorkflowDeps {
  let built: WorkflowDeps | undefined;
  return () => {
    try {
      return (built ??= build());
    } catch (error) {
      throw new InternalApiError({ cause: error });
    }
  };
}

/**
 * Set to `off` to stop enforcing the seed's per-caller route limits (a local
 * cloud whose tests create more jobs an hour than one admin may); anything
 * else, or unset as deployed, enforces them.
 */
export const RATE_LIMITS_ENV = 'HAVEN_API_RATE_LIMITS';

/** The API's services on AWS (or the emulator) from settings. */
export function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const catalogTable = required(env, 'HAVEN_CATALOG_TABLE');
  return {
    catalog: new Catalog(catalogTable),
    workflows: new SfnWorkflowStarter({
      backup: required(env, 'HAVEN_BACKUP_STATE_MACHINE_ARN'),
      restore: required(env, 'HAVEN_RESTORE_STATE_MACHINE_ARN'),
      verify: required(env, 'HAVEN_VERIFY_STATE_MACHINE_ARN'),
    }),
    schedules: schedulePort(new SchedulerSync(scheduleOptions(env))),
    sources: new AwsSourceChecker(),
    // The vault's settings (HAVEN_VAULT_URI, HAVEN_KMS_KEY_ID…) are read on the first delete or retention dry run.
    backups: backupsPort(lazy(() => workflowDeps(readSettings(env)))),
    now: () => new Date(),
    version: env.HAVEN_VERSION ?? '0.0.0',
    // The seed's hourly route limits, per caller, in the catalog table.
    ...(env[RATE_LIMITS_ENV] === 'off' ? {} : { rateLimiter: new CatalogRateLimiter(catalogTable) }),
  };
}

let cached: ApiDeps | undefined;

/** The container's services (built on first use). */
export function containerApiDeps(): ApiDeps {
  cached ??= apiDepsFromEnv();
  return cached;
}
