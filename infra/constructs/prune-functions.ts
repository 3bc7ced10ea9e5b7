/**
 * The prune workflow's Lambda functions: one entry file,
 * `functions/prune/handlers.ts`, one export per state. They are the only
 * functions that may delete packs, index objects and snapshots
 * (`s3:DeleteObject` on the whole vault prefix, {@link VaultAccess.Prune});
 * backup and restore steps may delete only under `staging/`. The step
 * table below declares each step once (its name, which is its export; its
 * ASL placeholder; its sizing; and its access).
 *
 * Apply-retention deletes forgotten snapshots and extends kept snapshots'
 * Object Lock dates; the prune phases (docs/RETENTION.md, "Prune at
 * scale") stage their work in the run's staging area, write and delete
 * packs and index objects, clear stale staging areas, and extend packs'
 * Object Lock dates. The
 * Object Lock actions (`s3:GetObjectRetention`, `s3:PutObjectRetention`) are
 * granted only when the vault bucket has Object Lock.
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler holds the step table to the entry's exports.
import type * as PruneHandlers from '../../functions/prune/handlers.js';
import { functionEntry } from '../paths.js';
import type { ObjectLockMode } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, workflowSteps, type StepDeclaration, type SubstitutionKeyOf, type WorkflowResources } from './workflow-functions.js';

/** The one entry file of every prune function. */
export const PRUNE_ENTRY: string = functionEntry('prune', 'handlers');

/** The prune workflow's steps, in workflow order: each named as the export of `functions/prune/handlers.ts` it runs. */
const PRUNE_STEPS = {
  listJobs: {
    substitution: 'PruneListJobsFunctionArn',
    rerunnable: 'Creates the run\'s record only if absent (a second attempt finds the first\'s); otherwise reads.',
    description: 'Haven prune: open the run\'s record, list jobs and settle the run\'s settings',
    memorySize: 256,
    timeout: Duration.minutes(5),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: false,
  },
  applyRetention: {
    substitution: 'PruneApplyRetentionFunctionArn',
    description: 'Haven prune: apply one job\'s retention policy (forget)',
    memorySize: 512,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Prune,
    events: true,
  },
  planPrune: {
    substitution: 'PrunePlanFunctionArn',
    description: 'Haven prune: the first look (snapshots, index objects, staging); stage the Mark and Join item lists',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Write,
    events: false,
  },
  mark: {
    substitution: 'PruneMarkFunctionArn',
    rerunnable: 'Rewrites the same staged used-blob objects from the same snapshots.',
    description: 'Haven prune: stage the blobs a batch of snapshots uses, by shard',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Write,
    events: false,
  },
  join: {
    substitution: 'PruneJoinFunctionArn',
    rerunnable: 'Rewrites the same staged counters from the same staged used sets and index objects.',
    description: 'Haven prune: count each pack\'s used and unused blobs in a few shards',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.None,
    vault: VaultAccess.Write,
    events: false,
  },
  settle: {
    substitution: 'PruneSettleFunctionArn',
    description: 'Haven prune: decide which packs go; rescue orphans, extend locks, repack',
    memorySize: 3008,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.None,
    vault: VaultAccess.Prune,
    events: false,
  },
  compact: {
    substitution: 'PruneCompactFunctionArn',
    description: 'Haven prune: rewrite index objects into fewer without the packs about to go, then delete the old ones',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Prune,
    events: false,
  },
  recheck: {
    substitution: 'PruneRecheckFunctionArn',
    description: 'Haven prune: look again at snapshots, staging and index objects; stage the sweep',
    memorySize: 1024,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.Read,
    vault: VaultAccess.Write,
    events: false,
  },
  sweep: {
    substitution: 'PruneSweepFunctionArn',
    rerunnable: 'Deleting a pack already deleted is not an error.',
    description: 'Haven prune: delete a batch of packs',
    memorySize: 512,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.None,
    vault: VaultAccess.Prune,
    events: false,
  },
  prune: {
    substitution: 'PruneFunctionArn',
    description: 'Haven prune: sum up the run, sweep stale staging, complete the run\'s record',
    memorySize: 512,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    clearsStaging: true,
    events: true,
  },
  markFailed: {
    substitution: 'PruneMarkFailedFunctionArn',
    rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.',
    description: 'Haven prune: record the run failed (Prune Failed)',
    memorySize: 256,
    timeout: Duration.minutes(1),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: true,
  },
} as const satisfies Record<keyof typeof PruneHandlers, StepDeclaration>;

/** A prune step's name (the export it runs). */
export type PruneStep = keyof typeof PRUNE_STEPS;
/**
 * Every `${Key}` placeholder `statemachines/prune.asl.json` uses. The state
 * machine refuses an ASL file using any other, or missing one.
 */
export type PruneSubstitutionKey = SubstitutionKeyOf<typeof PRUNE_STEPS>;

/** Every step's spec, in workflow order. */
export const PRUNE_STEP_SPECS = workflowSteps(PRUNE_ENTRY, PRUNE_STEPS);

/** Props of {@link PruneFunctions}. */
export interface PruneFunctionsProps extends WorkflowResources {
  /** The vault bucket's Object Lock mode, when it has Object Lock. @default none */
  readonly objectLockMode?: ObjectLockMode;
}

/** The prune functions and their grants. */
export class PruneFunctions extends WorkflowFunctions<PruneStep, PruneSubstitutionKey> {
  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use
   */
  constructor(scope: Construct, id: string, props: PruneFunctionsProps) {
    super(scope, id, { ...props, steps: PRUNE_STEP_SPECS });
  }
}
