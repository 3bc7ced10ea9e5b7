/**
 * Where a run's Map item lists go (control/workflows/map-items.ts), with
 * real vaults in two emulated regions: in the run's vault when it is the
 * primary; in the primary, named after the run's vault, when the run works
 * on a copy vault elsewhere; with the items when the primary cannot be
 * opened.
 */
import { beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { VaultRegistry, type VaultLocation } from '../../../control/vaults/registry.js';
import type { WorkflowDeps } from '../../../control/workflows/deps.js';
import { stageMapItems, stageRunFanOut } from '../../../control/workflows/map-items.js';
import { VaultError } from '../../../vault/repository/errors.js';
import type { Vault } from '../../../vault/repository/vault.js';
import { initVaultIn, regionalPlace, REGIONS, type RegionalPlace } from '../../vault/copy-fixture.js';

let primaryPlace: RegionalPlace;
let copyPlace: RegionalPlace;
let primaryVault: Vault;
let copyVault: Vault;
let registry: VaultRegistry;

beforeAll(async () => {
  primaryPlace = await regionalPlace(REGIONS.primary, 'map-items-primary');
  copyPlace = await regionalPlace(REGIONS.copy, 'map-items-copy');
  [primaryVault, copyVault] = await Promise.all([initVaultIn(primaryPlace), initVaultIn(copyPlace)]);
  registry = new VaultRegistry([
    { bucket: primaryPlace.bucket, region: primaryPlace.region, defaultPrefix: 'vault/', kmsKeyId: primaryPlace.keyArn, primary: true },
    { bucket: copyPlace.bucket, region: copyPlace.region, defaultPrefix: 'vault/', kmsKeyId: copyPlace.keyArn, primary: false },
  ]);
});

/** Deps whose opener opens the two vaults (or fails to open the primary, as an unreachable one would). */
function depsFor(primaryOpens = true): Pick<WorkflowDeps, 'vaults' | 'vault'> {
  return {
    vaults: registry,
    vault: async (location?: VaultLocation) => {
      if (location?.bucket.primary === false) return copyVault;
      if (!primaryOpens) throw new VaultError('primary vault unreachable (injected)');
      return primaryVault;
    },
  };
}

/** Whether the vault holds anything under a prefix. */
async function hasObjects(vault: Vault, prefix: string): Promise<boolean> {
  for await (const _ of vault.store.list(prefix)) return true;
  return false;
}

const run = (primary: boolean) => (primary ? { vault: primaryVault, location: registry.primary() } : { vault: copyVault, location: registry.locate(`s3://${copyPlace.bucket}/vault/`) });

test("a run on the primary stages its item list in the primary under the list's own name", async () => {
  // Prepare
  const deps = depsFor();

  // Act
  const items = await stageMapItems(deps, run(true), 'run-a', 'mark', [0, 1, 2]);

  // Assess
  assert.equal(items.bucket, primaryPlace.bucket);
  assert.match(items.key, /\/run-a\/lists\/mark\.json$/);
});

test("a run on a copy vault in another region stages its item list in the primary, named after the copy vault, and its items in the copy", async () => {
  // Prepare
  const deps = depsFor();

  // Act
  const fanOut = await stageRunFanOut(deps, run(false), 'run-b', 'partitions', ['a', 'b']);

  // Assess
  assert.equal(fanOut.items.bucket, primaryPlace.bucket);
  assert.match(fanOut.items.key, /\/run-b\/lists\/partitions-[0-9a-f]{16}\.json$/);
  assert.equal(fanOut.items.count, 2);
  assert.ok(await hasObjects(copyVault, 'staging/run-b/'));
});

test('a run on a copy vault stages its item list with its items when the primary cannot be opened', async () => {
  // Prepare
  const deps = depsFor(false);

  // Act
  const items = await stageMapItems(deps, run(false), 'run-c', 'sweep', [0]);

  // Assess
  assert.equal(items.bucket, copyPlace.bucket);
  assert.match(items.key, /\/run-c\/lists\/sweep\.json$/);
});
