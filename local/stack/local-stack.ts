/**
 * The local stack: a deployment's resources in the emulator (vault bucket,
 * KMS key, catalog table) and the local runner executing the same ASL files
 * with each Task mapped to its step in-process. Resource names carry a
 * unique suffix, so stacks (and tests) never collide on one emulator.
 */
import { randomBytes } from 'node:crypto';
import { Catalog } from '../../engine/catalog/catalog.js';
import type { DocumentClient } from '../../engine/catalog/context.js';
import { KmsKeyProvider } from '../../engine/keys/kms-key-provider.js';
import { S3ObjectStore } from '../../engine/storage/s3-store.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';
import { backupSourceFor, restoreTargetFor } from '../../engine/workflows/sources.js';
import { vaultOpener } from '../../engine/workflows/vault-opener.js';
import { BACKUP_FUNCTIONS, BACKUP_SUBSTITUTIONS, RESTORE_FUNCTIONS, RESTORE_SUBSTITUTIONS, type Step } from '../../functions/registry.js';
import { stepHandler } from '../../functions/shared/step-handler.js';
import { LocalRunner, type TaskHandler } from '../runner/local-runner.js';
import { createBucket, createCatalogTable, createKey } from './resources.js';
import { LocalScheduler, type LocalSchedulerOptions } from '../scheduler/local-scheduler.js';
import type { OutcomeEvent } from '../../engine/workflows/deps.js';
import type { LocalLambdaContext } from '../runner/local-runner.js';
import type { Context } from 'aws-lambda';

/** Options of a local stack. */
export interface LocalStackOptions {
  /** Name prefix of the stack's resources (default `haven`). */
  name?: string;
  /** Wraps steps, e.g. to inject a fault into one iteration in a test. */
  wrapStep?: (functionName: string, step: Step) => Step;
  /** The catalog's document client (tests pass one that serializes writes; see test/catalog/serial-client.ts). */
  catalogClient?: DocumentClient;
  /** Replaces Retry intervals (default 20 ms, so tests don't wait out real backoff). */
  retryIntervalMs?: number;
  /**
   * Fire job schedules against the runner with a {@link LocalScheduler}
   * (`stack.scheduler`). `true` ticks on the system clock; options may
   * inject a clock, and `autoStart: false` leaves ticking to the caller.
   */
  schedules?: boolean | (LocalSchedulerOptions & { autoStart?: boolean });
}

/** Fake ARN of a local function. */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
}

/** A running local stack. */
export class LocalStack {
  private constructor(
    /** Outcome events the steps published, in order. */
    readonly events: OutcomeEvent[],
    readonly suffix: string,
    readonly bucket: string,
    readonly kmsKeyArn: string,
    readonly catalogTable: string,
    readonly deps: WorkflowDeps,
    readonly runner: LocalRunner,
    /** The job scheduler, when the stack was asked for one (`schedules`). */
    readonly scheduler?: LocalScheduler,
  ) {}

  /** The vault's URI. */
  get vaultUri(): string {
    return this.deps.vaultUri;
  }

  /** The catalog. */
  get catalog(): Catalog {
    return this.deps.catalog;
  }

  /** Creates the resources in the emulator (AWS_ENDPOINT_URL must point at it) and the runner. */
  static async create(options: LocalStackOptions = {}): Promise<LocalStack> {
    const suffix = randomBytes(4).toString('hex');
    const name = options.name ?? 'haven';
    const bucket = `${name}-vault-${suffix}`;
    const table = `${name}-catalog-${suffix}`;
    await createBucket(bucket);
    await createCatalogTable(table);
    const kmsKeyArn = await createKey(`${name} vault key`);
    const events: OutcomeEvent[] = [];
    const deps: WorkflowDeps = {
      catalog: new Catalog(table, options.catalogClient ? { client: options.catalogClient } : {}),
      vault: vaultOpener(new S3ObjectStore(bucket, 'vault'), new KmsKeyProvider(kmsKeyArn)),
      vaultUri: `s3://${bucket}/vault`,
      source: backupSourceFor,
      target: restoreTargetFor,
      publish: async (event) => void events.push(event),
      now: () => new Date(),
    };
    const handlers: Record<string, TaskHandler> = {};
    for (const [fn, step] of Object.entries({ ...BACKUP_FUNCTIONS, ...RESTORE_FUNCTIONS }) as Array<[string, Step]>) {
      const wrapped = options.wrapStep ? options.wrapStep(fn, step) : step;
      const handler = stepHandler(fn, wrapped as (deps: WorkflowDeps, event: unknown) => Promise<unknown>, () => deps);
      handlers[fn] = (event: unknown, context: LocalLambdaContext) => handler(event as never, context as unknown as Context);
    }
    const arns = (subs: Record<string, string>) => Object.fromEntries(Object.entries(subs).map(([key, fn]) => [key, localFunctionArn(fn)]));
    const runner = new LocalRunner(
      { backup: { file: 'backup', substitutions: arns(BACKUP_SUBSTITUTIONS) }, restore: { file: 'restore', substitutions: arns(RESTORE_SUBSTITUTIONS) } },
      handlers,
      { retryIntervalMs: options.retryIntervalMs ?? 20 },
    );
    const scheduling = options.schedules === true ? {} : options.schedules || undefined;
    const scheduler = scheduling ? new LocalScheduler(deps.catalog, runner, scheduling) : undefined;
    if (scheduler && scheduling?.autoStart !== false) scheduler.start();
    return new LocalStack(events, suffix, bucket, kmsKeyArn, table, deps, runner, scheduler);
  }
}
