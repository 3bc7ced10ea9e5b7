import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { VaultFormatError } from '../../vault/format/errors.js';
import { decodeIndex, encodeIndex } from '../../vault/index/index-codec.js';
import { MasterIndex } from '../../vault/index/master-index.js';
import type { BlobEntry, PackEntry } from '../../vault/index/types.js';
import { tempVault } from '../helpers/engine.js';

/** A deterministic 64-hex-digit id. */
function hexId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function blobOf(name: string, n: number): BlobEntry {
  return { id: hexId(name), offset: n * 1000, length: 900 + n, rawLength: 2000 + n, compression: n % 2 };
}

function packOf(name: string, blobNames: readonly string[], keyId = 'ab'.repeat(16)): PackEntry {
  return { id: hexId(name), keyId, size: 1000 * blobNames.length, blobs: blobNames.map(blobOf) };
}

/** The plain-object form of a pack (its lazily made blobs read). */
function plain(pack: PackEntry | undefined): PackEntry | undefined {
  return pack && { id: pack.id, keyId: pack.keyId, size: pack.size, blobs: pack.blobs.map((b) => ({ ...b })) };
}

describe('MasterIndex', () => {
  test('locates a blob with its pack and numbers', () => {
    // Prepare
    const pack = packOf('p1', ['a', 'b', 'c']);
    const index = new MasterIndex();

    // Act
    index.addPacks([pack], 'i1');

    // Assess
    const [location, ...more] = index.locate(hexId('b'));
    assert.deepEqual(more, []);
    assert.deepEqual({ ...location!.blob }, pack.blobs[1]);
    assert.deepEqual(plain(location!.pack), pack);
    assert.equal(index.has(hexId('c')), true);
  });

  test('a blob stored in several packs keeps every location, the newest index last', () => {
    // Prepare
    const index = new MasterIndex();

    // Act
    index.addPacks([packOf('old', ['x', 'shared'])], 'i-old');
    index.addPacks([packOf('new', ['shared', 'y'])], 'i-new');

    // Assess
    const locations = index.locate(hexId('shared'));
    assert.deepEqual(
      locations.map((l) => [l.pack.id, l.blob.offset, index.indexOf(l.pack.id)]),
      [
        [hexId('old'), 1000, 'i-old'],
        [hexId('new'), 0, 'i-new'],
      ],
    );
    assert.equal(index.blobCount, 3);
  });

  test('a pack known already is skipped', () => {
    // Prepare
    const index = new MasterIndex();
    index.addPacks([packOf('p', ['a'])], 'first');

    // Act
    index.addPacks([packOf('p', ['a']), packOf('q', ['b'])], 'second');

    // Assess
    assert.equal(index.locate(hexId('a')).length, 1);
    assert.equal(index.indexOf(hexId('p')), 'first');
    assert.equal(index.indexOf(hexId('q')), 'second');
    assert.equal([...index.allPacks()].length, 2);
  });

  test('unknown ids and packs find nothing', () => {
    // Prepare
    const index = new MasterIndex();
    index.addPacks([packOf('p', ['a'])], 'i');

    // Act
    const found = [index.has(hexId('z')), index.has('not an id'), index.locate(hexId('z')), index.pack(hexId('z')), index.indexOf(hexId('z'))];

    // Assess
    assert.deepEqual(found, [false, false, [], undefined, undefined]);
  });

  test('every pack comes back in the order added, blobs in file order', () => {
    // Prepare
    const packs = [packOf('p1', ['a', 'b']), packOf('p2', ['c']), packOf('p3', [], 'cd'.repeat(16))];
    const index = new MasterIndex();

    // Act
    index.addPacks(packs.slice(0, 2), 'i1');
    index.addPacks(packs.slice(2), 'i2');

    // Assess
    assert.deepEqual([...index.allPacks()].map(plain), packs);
    assert.deepEqual(plain(index.pack(hexId('p2'))), packs[1]);
  });

  test('grows past its initial capacity and one segment of entries, and still finds every blob', () => {
    // Prepare
    const names = Array.from({ length: 17_000 }, (_, i) => `blob-${i}`);
    const index = new MasterIndex(16);

    // Act
    for (let p = 0; p < names.length; p += 50) index.addPacks([packOf(`pack-${p}`, names.slice(p, p + 50))], `i${p}`);

    // Assess
    assert.equal(index.blobCount, 17_000);
    assert.deepEqual(names.filter((name) => !index.has(hexId(name))), []);
    const last = index.locate(hexId('blob-16999'));
    assert.deepEqual(last.map((l) => [l.pack.id, l.blob.offset]), [[hexId('pack-16950'), 49_000]]);
  });

  test('an index payload loads straight into the same view as its decoded packs', () => {
    // Prepare
    const packs = [packOf('p1', ['a', 'b']), packOf('p2', ['b', 'c'], 'cd'.repeat(16))];
    const payload = encodeIndex(packs);
    const decoded = new MasterIndex();
    decoded.addPacks(decodeIndex(payload, 'i'), 'i');

    // Act
    const direct = new MasterIndex();
    direct.addPayload(payload, 'i');

    // Assess
    assert.deepEqual([...direct.allPacks()].map(plain), [...decoded.allPacks()].map(plain));
    assert.deepEqual(
      direct.locate(hexId('b')).map((l) => [l.pack.id, { ...l.blob }]),
      decoded.locate(hexId('b')).map((l) => [l.pack.id, { ...l.blob }]),
    );
  });

  test('a truncated payload adds nothing', () => {
    // Prepare
    const payload = encodeIndex([packOf('p1', ['a']), packOf('p2', ['b'])]);
    const index = new MasterIndex();

    // Act
    const error = (() => {
      try {
        index.addPayload(payload.subarray(0, payload.length - 1), 'i');
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    assert.ok(error instanceof VaultFormatError);
    assert.deepEqual([index.blobCount, [...index.allPacks()].length], [0, 0]);
  });

  test("a vault's index objects load straight into the index in the order asked, each pack with the object that listed it", async (t) => {
    // Prepare
    const { vault, cleanup } = await tempVault();
    t.onTestFinished(cleanup);
    const older = await vault.writeIndex([packOf('old', ['shared', 'a'])]);
    const newer = await vault.writeIndex([packOf('new', ['b', 'shared'])]);
    // The first object asked for arrives last (a delay the filesystem store cannot produce), so arrival order is not the order asked.
    const get = vault.store.get.bind(vault.store);
    vault.store.get = async (key, ...rest) => {
      if (key === `index/${newer}`) await new Promise((resolve) => setTimeout(resolve, 100));
      return get(key, ...rest);
    };

    // Act
    const index = await vault.loadIndex([newer, older]);

    // Assess
    assert.deepEqual(
      index.locate(hexId('shared')).map((l) => [l.pack.id, index.indexOf(l.pack.id)]),
      [
        [hexId('new'), newer],
        [hexId('old'), older],
      ],
    );
    assert.equal(index.blobCount, 3);
  });
});
