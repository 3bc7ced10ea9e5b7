/**
 * The prune workflow's four Lambda functions: one entry file,
 * `functions/prune/handlers.ts`, one named export per state. They are the
 * only functions that may delete packs, index objects and snapshots
 * (`s3:DeleteObject` on the whole vault prefix; backup and restore steps may
 * delete only under `staging/`):
 *
 * | step | catalog | vault (prefix, key) | events |
 * | --- | --- | --- | --- |
 * | list-jobs | read/write (opens the run's record) | | |
 * | apply-retention | read/write (annotates backups) | prune (+ Object Lock dates) | yes |
 * | prune | read/write (completes the run's record) | prune (+ Object Lock dates) | yes |
 * | mark-failed | read/write (fails the run's record) | | yes |
 *
 * Apply-retention deletes forgotten snapshots and extends kept snapshots'
 * Object Lock dates; prune deletes and writes packs and index objects,
 * clears stale staging areas, and extends packs' Object Lock dates. The
 * Object Lock actions (`s3:GetObjectRetention`, `s3:PutObjectRetention`) are
 * granted only when the vault bucket has Object Lock.
 */
import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler checks each handler name is an export of the entry.
import type * as PruneHandlers from '../../functions/prune/handlers.js';
import { functionEntry } from '../paths.js';
import type { ObjectLockMode } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, type WorkflowResources, type WorkflowStepSpec } from './workflow-functions.js';

/** The prune workflow's steps. */
export const PruneStep = {
  ListJobs: 'list-jobs',
  ApplyRetention: 'apply-retention',
  Prune: 'prune',
  MarkFailed: 'mark-failed',
} as const;
export type PruneStep = (typeof PruneStep)[keyof typeof PruneStep];

/**
 * Every `${Key}` placeholder `statemachines/prune.asl.json` uses. The state
 * machine refuses an ASL file using any other, or missing one.
 */
export const PRUNE_SUBSTITUTION_KEYS = ['PruneListJobsFunctionArn', 'PruneApplyRetentionFunctionArn', 'PruneFunctionArn', 'PruneMarkFailedFunctionArn'] as const;
export type PruneSubstitutionKey = (typeof PRUNE_SUBSTITUTION_KEYS)[number];

/** The named exports of `functions/prune/handlers.ts`. */
export type PruneHandler = keyof typeof PruneHandlers;

/** How each prune step's function is built and what it may do: the handler is one of the entry's exports. */
export type PruneStepSpec = WorkflowStepSpec<PruneSubstitutionKey> & { readonly handler: PruneHandler };

/** The one entry file of every prune function. */
export const PRUNE_ENTRY: string = functionEntry('prune', 'handlers');

/** Every step's spec, in workflow order. */
export const PRUNE_STEP_SPECS: Readonly<Record<PruneStep, PruneStepSpec>> = {
  'list-jobs': {
    id: 'ListJobs',
    substitution: 'PruneListJobsFunctionArn',
    rerunnable: 'Creates the run\'s record only if absent (a second attempt finds the first\'s); otherwise reads.',
    entry: PRUNE_ENTRY,
    handler: 'listJobs',
    description: 'Haven prune: open the run\'s record, list jobs and settle the run\'s settings',
    memorySize: 256,
    timeout: Duration.minutes(5),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: false,
  },
  'apply-retention': {
    id: 'ApplyRetention',
    substitution: 'PruneApplyRetentionFunctionArn',
    entry: PRUNE_ENTRY,
    handler: 'applyRetention',
    description: 'Haven prune: apply one job\'s retention policy (forget)',
    memorySize: 512,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Prune,
    events: true,
  },
  prune: {
    id: 'Prune',
    substitution: 'PruneFunctionArn',
    entry: PRUNE_ENTRY,
    handler: 'prune',
    description: 'Haven prune: delete unreferenced packs, repack, rewrite index objects',
    memorySize: 3008,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Prune,
    events: true,
  },
  'mark-failed': {
    id: 'MarkFailed',
    substitution: 'PruneMarkFailedFunctionArn',
    rerunnable: 'The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.',
    entry: PRUNE_ENTRY,
    handler: 'markFailed',
    description: 'Haven prune: record the run failed (Prune Failed)',
    memorySize: 256,
    timeout: Duration.minutes(1),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: true,
  },
};

/** Props of {@link PruneFunctions}. */
export interface PruneFunctionsProps extends WorkflowResources {
  /** The vault bucket's Object Lock mode, when it has Object Lock. @default none */
  readonly objectLockMode?: ObjectLockMode;
}

/** The four prune functions and their grants. */
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
