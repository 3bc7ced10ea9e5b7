/** Builds the API's services from the function's environment, once per container. */
import { backupsPort } from '../../control/api/backups-port.js';
import type { ApiDeps } from '../../control/api/deps.js';
import { InternalApiError } from '../../control/api/errors.js';
import { CatalogRateLimiter } from '../../control/api/rate-limit.js';
import { SfnWorkflowStarter } from '../../control/api/sfn-workflows.js';
import { AwsKeyChecker } from '../../control/api/services/key-checker.js';
import { AwsSourceChecker } from '../../control/api/services/source-checker.js';
import { Catalog } from '../../control/catalog/catalog.js';
import { HavenEnv } from '../../control/env.js';
import { schedulePort, scheduleOptionsFromEnv, SCHEDULE_ENV, SchedulerSync } from '../../control/schedules/index.js';
import { VaultRegistry } from '../../control/vaults/registry.js';
import { workflowDeps } from '../shared/deps.js';
import { MissingSettingError, readSettings, required } from '../shared/env.js';

function scheduleOptions(env: NodeJS.ProcessEnv) {
  const options = scheduleOptionsFromEnv(env);
  if (!options) throw new MissingSettingError(`${Object.values(SCHEDULE_ENV).join(', ')} must all be set`);
  return options;
}

/** Builds on first use; a missing vault setting is the deployment's fault (500), never the caller's. */
function lazy<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    try {
      return (built ??= build());
    } catch (error) {
      throw new InternalApiError({ cause: error });
    }
  };
}

/** The API's services on AWS (or the emulator) from settings. */
export function apiDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const catalogTable = required(env, HavenEnv.CatalogTable);
  return {
    catalog: new Catalog(catalogTable),
    workflows: new SfnWorkflowStarter({
      backup: required(env, HavenEnv.BackupStateMachineArn),
      restore: required(env, HavenEnv.RestoreStateMachineArn),
      verify: required(env, HavenEnv.VerifyStateMachineArn),
    }),
    schedules: schedulePort(new SchedulerSync(scheduleOptions(env))),
    sources: new AwsSourceChecker(),
    keys: new AwsKeyChecker(),
    vaults: lazy(() => VaultRegistry.fromEnv(env)),
    // The vault's settings (HavenEnv.VaultUri, HavenEnv.KmsKeyId…) are read on the first delete or retention dry run.
    backups: backupsPort(lazy(() => workflowDeps(readSettings(env)))),
    now: () => new Date(),
    version: env[HavenEnv.Version] ?? '0.0.0',
    // The seed's hourly route limits, per caller, in the catalog table; `off` (local cloud tests only) stops them.
    ...(env[HavenEnv.ApiRateLimits] === 'off' ? {} : { rateLimiter: new CatalogRateLimiter(catalogTable) }),
  };
}

let cached: ApiDeps | undefined;

/** The container's services (built on first use). */
export function containerApiDeps(): ApiDeps {
  cached ??= apiDepsFromEnv();
  return cached;
}
