/**
 * Wraps a workflow step as a Lambda handler: middy with Powertools Logger,
 * a log line per failure (name and message, never the payload), and the
 * error rethrown unchanged so Step Functions matches Retry and Catch on its
 * typed name (`StorageUnavailableError`, `CorruptedBackupError`, …).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';
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
        logger.error('step failed', { errorName: err.name, errorCode: err.code, errorMessage: err.message });
        throw error;
      }
    });
}
