/**
 * Wraps a workflow step as a Lambda handler: middy with Powertools Logger,
 * a log line per failure (name and message, never the payload), and the
 * error rethrown with its type and name unchanged, so Step Functions matches
 * Retry and Catch on its typed name (`StorageUnavailableError`,
 * `CorruptedBackupError`, …). Credentials an error message quotes (a
 * connection string) are cut out first, so neither the log nor the
 * execution's history (the caught `Cause`) holds them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { failureMessage } from '../../control/workflows/errors.js';
import { containerDeps } from './deps.js';

const logger = new Logger({ serviceName: 'haven' });

/** Builds a middy handler for a step `(deps, event) => result`. */
export function stepHandler<I, O>(name: string, step: (deps: WorkflowDeps, event: I) => Promise<O>, deps: () => WorkflowDeps = containerDeps) {
  return middy<I, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: I) => {
      logger.appendKeys({ step: name });
      try {
        return await step(deps(), event);
      } catch (error) {
        const err = error as Error & { code?: string };
        redactMessage(err);
        logger.error('step failed', { errorName: err.name, errorCode: err.code, errorMessage: err.message });
        throw error;
      }
    });
}

/** Cuts credentials out of an error's message in place (an error whose message cannot be set keeps it). */
function redactMessage(err: Error): void {
  if (typeof err.message !== 'string') return;
  try {
    err.message = failureMessage(err.message);
  } catch {
    // a read-only message
  }
}
