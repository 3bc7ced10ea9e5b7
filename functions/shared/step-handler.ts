/**
 * Wraps a workflow step as a Lambda handler: middy with Powertools Logger,
 * a log line per failure (name, code and message, never the payload), and
 * the error rethrown with its type and name unchanged, so Step Functions
 * matches Retry and Catch on its typed name (`StorageUnavailableError`,
 * `CorruptedBackupError`, …; Lambda reports `error.name` as the error
 * type). Its message becomes the failure Mark failed records,
 * `{"code": …, "message": …}` (control/workflows/errors.ts), with the
 * credentials it quotes (a connection string) cut out, so neither the log
 * nor the execution's history (the caught `Cause`) holds them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { encodeStepFailure, stepFailureOf, type StepFailure } from '../../control/workflows/errors.js';
import { containerDeps } from './deps.js';

const logger = new Logger({ serviceName: 'haven' });

/** Builds a middy handler for a step `(deps, event) => result` (the invocation's context third, for a step that watches its remaining time). */
export function stepHandler<I, O>(name: string, step: (deps: WorkflowDeps, event: I, context: Context) => Promise<O>, deps: () => WorkflowDeps = containerDeps) {
  return middy<I, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: I, context: Context) => {
      logger.appendKeys({ step: name });
      try {
        return await step(deps(), event, context);
      } catch (error) {
        const failure = stepFailureOf(error);
        logger.error('step failed', { errorName: (error as Error)?.name, errorCode: failure.code, errorMessage: failure.message });
        throw withFailureMessage(error, failure);
      }
    });
}

/**
 * The error to rethrow: the one thrown, its message replaced by the encoded
 * failure; an error of the same name when the message cannot be set (or a
 * plain `Error` for a thrown non-error).
 */
function withFailureMessage(error: unknown, failure: StepFailure): Error {
  const message = encodeStepFailure(failure);
  if (error instanceof Error) {
    try {
      error.message = message;
      if (error.message === message) return error;
    } catch {
      // a read-only message
    }
    return Object.assign(new Error(message, { cause: error }), { name: error.name });
  }
  return new Error(message);
}
