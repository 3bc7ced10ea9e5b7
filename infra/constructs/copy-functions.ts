/**
 * The copy workflow's Lambda functions (statemachines/copy.asl.json): one
 * entry file, `functions/copy/handlers.ts`, one export per state. Copy to
 * vault reads the backup's vault and writes the copy vault (any vault of
 * the deployment's vault buckets: copies name them at run time), so it gets
 * {@link VaultAccess.Write} on every vault bucket and its key, plus
 * `s3:DeleteObject` on snapshots only (a copied snapshot that fails its
 * verification is removed again). Plan and Mark failed touch only the catalog.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
// Types only (erased at runtime): the compiler holds the step table to the entry's exports.
import type * as CopyHandlers from '../../functions/copy/handlers.js';
import { acknowledgeWildcardResources } from '../nag.js';
import { functionEntry } from '../paths.js';
import { anyVaultKeys } from './vault-bucket.js';
import { CatalogAccess, VaultAccess, WorkflowFunctions, workflowSteps, type StepDeclaration, type SubstitutionKeyOf, type WorkflowResources } from './workflow-functions.js';

/** The one entry file of every copy function. */
export const COPY_ENTRY: string = functionEntry('copy', 'handlers');

/** The copy workflow's steps, in workflow order: each named as the export of `functions/copy/handlers.ts` it runs. */
const COPY_STEPS = {
  plan: {
    substitution: 'CopyPlanFunctionArn',
    rerunnable: 'Records the planned copies pending (a completed copy is left as is); a second attempt plans the same.',
    description: 'Haven copy: the copies a completed backup still needs (its job\'s copy vaults)',
    memorySize: 256,
    timeout: Duration.minutes(1),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: false,
  },
  copyToVault: {
    substitution: 'CopyToVaultFunctionArn',
    description: 'Haven copy: copy one backup into one copy vault (the chunks it lacks), verify it there, record it',
    memorySize: 2048,
    timeout: Duration.minutes(15),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.Write,
    events: false,
  },
  markFailed: {
    substitution: 'CopyMarkFailedFunctionArn',
    rerunnable: 'Records the copy failed and publishes only when it was not failed yet.',
    description: 'Haven copy: record one copy failed (Copy Failed)',
    memorySize: 256,
    timeout: Duration.minutes(1),
    catalog: CatalogAccess.ReadWrite,
    vault: VaultAccess.None,
    events: true,
  },
} as const satisfies Record<keyof typeof CopyHandlers, StepDeclaration>;

/** A copy step's name (the export it runs). */
export type CopyStep = keyof typeof COPY_STEPS;
/** Every `${Key}` placeholder `statemachines/copy.asl.json` uses. */
export type CopySubstitutionKey = SubstitutionKeyOf<typeof COPY_STEPS>;

/** Every step's spec, in workflow order. */
export const COPY_STEP_SPECS = workflowSteps(COPY_ENTRY, COPY_STEPS);

/** The copy functions and their grants. */
export class CopyFunctions extends WorkflowFunctions<CopyStep, CopySubstitutionKey> {
  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the resources the steps use
   */
  constructor(scope: Construct, id: string, props: WorkflowResources) {
    super(scope, id, { ...props, steps: COPY_STEP_SPECS });
    // A copied snapshot that fails its verification in the copy vault is deleted again (vault/copy/copier.ts); nothing else is.
    const snapshots = [
      props.vault.bucket.arnForObjects(anyVaultKeys('snapshots')),
      ...(props.vaultBuckets ?? []).map((b) => Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: b.bucket, resourceName: anyVaultKeys('snapshots') })),
    ];
    const role = this.functions.copyToVault.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: snapshots }));
    acknowledgeWildcardResources(role, snapshots, 'Scoped wildcard: the snapshots of the vaults in the vault buckets; a copy that fails its verification removes its snapshot, and copies name their vault at run time.');
  }
}

