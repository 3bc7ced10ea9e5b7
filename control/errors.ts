/**
 * The registry of Haven's error classes: every {@link HavenError} class the
 * errors modules of vault/, sources/ and control/ export, read from the
 * modules themselves (a class is declared once, in its module's errors
 * file, and listed here by its module). Used to hold the workflows' Retry
 * lists to the transient classes (test/infra/asl-retry.test.ts).
 */
import * as vaultRoot from '../vault/errors.js';
import * as chunker from '../vault/chunker/errors.js';
import * as compression from '../vault/compression/errors.js';
import * as copy from '../vault/copy/errors.js';
import * as format from '../vault/format/errors.js';
import * as keys from '../vault/keys/errors.js';
import * as repository from '../vault/repository/errors.js';
import * as staging from '../vault/staging/errors.js';
import * as storage from '../vault/storage/errors.js';
import * as workers from '../vault/util/worker-errors.js';
import * as sources from '../sources/errors.js';
import * as postgres from '../sources/postgres/errors.js';
import * as analytics from './analytics/errors.js';
import * as api from './api/errors.js';
import * as catalog from './catalog/errors.js';
import * as notifications from './notifications/errors.js';
import * as retention from './retention/errors.js';
import * as schedules from './schedules/errors.js';
import * as vaults from './vaults/errors.js';
import * as verification from './verification/errors.js';
import * as workflows from './workflows/errors.js';
import { isHavenErrorClass, type HavenErrorClass } from '../vault/errors.js';

/** The errors modules, by the folder they belong to. */
const ERROR_MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  vault: vaultRoot,
  'vault/chunker': chunker,
  'vault/compression': compression,
  'vault/copy': copy,
  'vault/format': format,
  'vault/keys': keys,
  'vault/repository': repository,
  'vault/staging': staging,
  'vault/storage': storage,
  'vault/util': workers,
  sources,
  'sources/postgres': postgres,
  'control/analytics': analytics,
  'control/api': api,
  'control/catalog': catalog,
  'control/notifications': notifications,
  'control/retention': retention,
  'control/schedules': schedules,
  'control/vaults': vaults,
  'control/verification': verification,
  'control/workflows': workflows,
};

/** Every Haven error class the errors modules export (each once, even when a module re-exports another's). */
export const ERROR_CLASSES: readonly HavenErrorClass[] = [...new Set(Object.values(ERROR_MODULES).flatMap((module) => Object.values(module).filter(isHavenErrorClass)))];

/** The classes whose errors are transient: what the workflows retry. */
export function transientErrorClasses(): HavenErrorClass[] {
  return ERROR_CLASSES.filter((c) => c.transient);
}
