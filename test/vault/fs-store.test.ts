import { test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InsufficientSpaceError,
  InvalidObjectKeyError,
  ObjectExistsError,
  ObjectNotFoundError,
} from '../../vault/storage/errors.js';
import { FileObjectStore, type FileSystem } from '../../vault/storage/fs-store.js';
import { TEMP_FILE_PREFIX } from '../../vault/storage/object-key.js';

async function tempStore(t: Pick<TestContext, 'onTestFinished'>, options = {}) {
  const root = await mkdtemp(join(tmpdir(), 'haven-fs-store-'));
  t.onTestFinished(() => rm(root, { recursive: true, force: true }));
  return { root, store: new FileObjectStore(root, options) };
}

/** Every file under `dir`, relative, `/`-separated. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Keys of the listing tests, out of order. */
const LIST_KEYS = ['config', 'data/00/0a', 'data/00/0b', 'data/a-c', 'data/a/b', 'data/ff/f1', 'index/i1', 'snapshots/s1'];

/** A store holding LIST_KEYS (each object's body is its key), a stray temp file and an empty directory. */
async function listedStore(t: Pick<TestContext, 'onTestFinished'>): Promise<FileObjectStore> {
  const { root, store } = await tempStore(t);
  for (const key of [...LIST_KEYS].reverse()) await store.put(key, new TextEncoder().encode(key));
  await writeFile(join(root, 'data', `${TEMP_FILE_PREFIX}stray.123`), 'partial');
  await mkdir(join(root, 'empty-dir'));
  return store;
}

/**
 * Fault injection: a real full filesystem needs a small tmpfs (root and
 * mount); instead the store gets an fs whose file handles write part of the
 * body, then fail with ENOSPC. `injected()` counts the failures.
 */
function fullDisk(): { fs: FileSystem; injected: () => number } {
  let injected = 0;
  const fs: FileSystem = {
    ...nodeFs,
    open: (async (...args: Parameters<typeof nodeFs.open>) => {
      const handle = await nodeFs.open(...args);
      if (args[1] !== 'wx') return handle;
      const write = handle.write.bind(handle) as (b: Uint8Array, o: number, l: number, p: number) => Promise<{ bytesWritten: number }>;
      Object.assign(handle, {
        write: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
          await write(buffer, offset, Math.min(length, 1000), position);
          injected += 1;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        },
      });
      return handle;
    }) as typeof nodeFs.open,
  };
  return { fs, injected: () => injected };
}

test('put then get round-trips an object, reporting progress up to its length', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  const body = randomBytes(3 * 1024 * 1024 + 17);
  const progress: number[] = [];

  // Act
  await store.put('data/ab/abcdef', body, { onProgress: (n) => progress.push(n) });
  const got = await store.get('data/ab/abcdef');

  // Assess
  assert.deepEqual(got, new Uint8Array(body));
  assert.equal(progress.at(-1), body.length);
});

test('put overwrites an object in place, leaving no temp files', async (t) => {
  // Prepare
  const { root, store } = await tempStore(t);
  await store.put('data/ab/abcdef', randomBytes(3 * 1024 * 1024 + 17));

  // Act
  await store.put('data/ab/abcdef', new Uint8Array([1, 2, 3]));

  // Assess
  assert.deepEqual(await store.get('data/ab/abcdef'), new Uint8Array([1, 2, 3]));
  assert.deepEqual(await filesUnder(root), ['data/ab/abcdef']);
});

test('an empty object round-trips', async (t) => {
  // Prepare
  const { root, store } = await tempStore(t);

  // Act
  await store.put('empty', new Uint8Array(0));

  // Assess
  assert.deepEqual(await store.get('empty'), new Uint8Array(0));
  assert.deepEqual(await filesUnder(root), ['empty']);
});

test("a store's uri is the file:// URL of its root", async (t) => {
  // Prepare
  const { root } = await tempStore(t);

  // Act
  const store = new FileObjectStore(root);

  // Assess
  assert.equal(store.uri, `file://${root}`);
});

test('ranged get returns the bytes in [start, end), and only those that exist', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  const body = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));
  await store.put('obj', body);

  // Act
  const inside = await store.get('obj', { start: 10, end: 20 });
  const whole = await store.get('obj', { start: 0, end: 100 });
  const pastTheEnd = await store.get('obj', { start: 90, end: 150 });
  const beyond = await store.get('obj', { start: 200, end: 300 });
  const empty = await store.get('obj', { start: 5, end: 5 });

  // Assess
  assert.deepEqual(inside, body.slice(10, 20));
  assert.deepEqual(whole, body);
  assert.deepEqual(pastTheEnd, body.slice(90));
  assert.deepEqual(beyond, new Uint8Array(0));
  assert.deepEqual(empty, new Uint8Array(0));
});

test('a ranged get ending before its start is a RangeError', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('obj', new Uint8Array(100));

  // Act
  const getting = store.get('obj', { start: 5, end: 4 });

  // Assess
  await assert.rejects(getting, RangeError);
});

test('a ranged get of a missing object is ObjectNotFoundError', async (t) => {
  // Prepare
  const { store } = await tempStore(t);

  // Act
  const getting = store.get('nope', { start: 0, end: 1 });

  // Assess
  await assert.rejects(getting, ObjectNotFoundError);
});

test('head reports key, size and mtime', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('a/b', new Uint8Array(42));

  // Act
  const info = await store.head('a/b');

  // Assess
  assert.equal(info?.key, 'a/b');
  assert.equal(info?.size, 42);
  assert.ok(info?.lastModified instanceof Date);
});

test('head of a missing object, a directory or a key below an object is undefined', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('a/b', new Uint8Array(42));

  // Act
  const heads = await Promise.all(['a/missing', 'a', 'a/b/c'].map((key) => store.head(key)));

  // Assess
  assert.deepEqual(heads, [undefined, undefined, undefined]);
});

test('missing objects throw ObjectNotFoundError naming the key', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('dir/file', new Uint8Array(1));
  for (const key of ['nothing', 'dir', 'dir/file/below', 'other/dir/x']) {
    // Act
    const getting = store.get(key);

    // Assess
    await assert.rejects(getting, (error: unknown) => error instanceof ObjectNotFoundError && error.key === key);
  }
});

test('list walks in byte order with relative keys and sizes, skipping temp files and empty directories', async (t) => {
  // Prepare
  const store = await listedStore(t);

  // Act
  const all = await collect(store.list(''));

  // Assess
  assert.deepEqual(
    all.map((o) => o.key),
    [...LIST_KEYS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
  );
  assert.equal(all.find((o) => o.key === 'data/a/b')?.size, 'data/a/b'.length);
});

test('list keeps the keys that start with the prefix, whether it ends at a directory or inside a name', async (t) => {
  // Prepare
  const store = await listedStore(t);

  // Act
  const listed = async (prefix: string) => (await collect(store.list(prefix))).map((o) => o.key);
  const directory = await listed('data/');
  const partial = await listed('data/0');
  const exact = await listed('data/00/0b');
  const nothing = await listed('nothing/here/');

  // Assess
  assert.deepEqual(directory, ['data/00/0a', 'data/00/0b', 'data/a-c', 'data/a/b', 'data/ff/f1']);
  assert.deepEqual(partial, ['data/00/0a', 'data/00/0b']);
  assert.deepEqual(exact, ['data/00/0b']);
  assert.deepEqual(nothing, []);
});

test('list is lazy: stopping after the first object is fine', async (t) => {
  // Prepare
  const store = await listedStore(t);

  // Act
  let first: string | undefined;
  for await (const object of store.list('')) {
    first = object.key;
    break;
  }

  // Assess
  assert.equal(first, 'config');
});

test('list of a missing root is empty', async () => {
  // Prepare
  const store = new FileObjectStore(join(tmpdir(), `haven-missing-${randomBytes(6).toString('hex')}`));

  // Act
  const listed = await collect(store.list(''));

  // Assess
  assert.deepEqual(listed, []);
});

test('delete removes an object', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('x/y', new Uint8Array(3));

  // Act
  await store.delete('x/y');

  // Assess
  assert.equal(await store.head('x/y'), undefined);
});

test('delete of a missing object succeeds', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('x/y', new Uint8Array(3));
  await store.delete('x/y');

  // Act
  const deletions = [store.delete('x/y'), store.delete('never/was')];

  // Assess
  assert.deepEqual(await Promise.all(deletions), [undefined, undefined]);
});

test('keys that could leave the root are rejected with InvalidObjectKeyError', async (t) => {
  // Prepare
  const { root, store } = await tempStore(t);
  const bad = ['', '../escape', 'a/../../escape', '/etc/passwd', 'a//b', './a', 'a/.', 'a\\b', 'nul\0', `${TEMP_FILE_PREFIX}x`, 'a/'];
  const operations = {
    put: (key: string) => store.put(key, new Uint8Array(1)),
    get: (key: string) => store.get(key),
    head: (key: string) => store.head(key),
    delete: (key: string) => store.delete(key),
  };
  for (const key of bad) {
    for (const [name, operation] of Object.entries(operations)) {
      // Act
      const running = operation(key);

      // Assess
      await assert.rejects(running, InvalidObjectKeyError, `${name} ${JSON.stringify(key)}`);
    }
  }
  for (const prefix of ['../', '/abs', 'a/../', '..']) {
    // Act
    const listing = collect(store.list(prefix));

    // Assess
    await assert.rejects(listing, InvalidObjectKeyError, `list ${JSON.stringify(prefix)}`);
  }
  assert.deepEqual(await filesUnder(root), []);
});

test('ifNotExists refuses to replace an object', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('config', new Uint8Array([1]), { ifNotExists: true });

  // Act
  const replacing = store.put('config', new Uint8Array([2]), { ifNotExists: true });

  // Assess
  await assert.rejects(replacing, ObjectExistsError);
  assert.deepEqual(await store.get('config'), new Uint8Array([1]));
});

test('ifNotExists lets exactly one of racing puts create the object', async (t) => {
  // Prepare
  const { root, store } = await tempStore(t);

  // Act
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => store.put('race', new Uint8Array([i]), { ifNotExists: true })),
  );

  // Assess
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ObjectExistsError);
  assert.deepEqual(await filesUnder(root), ['race']);
});

test('a full disk (ENOSPC) is InsufficientSpaceError', async (t) => {
  // Prepare
  const { root } = await tempStore(t);
  const disk = fullDisk();
  const full = new FileObjectStore(root, { fs: disk.fs });

  // Act
  const putting = full.put('packs/p2', randomBytes(64 * 1024));

  // Assess
  await assert.rejects(putting, (error: unknown) => {
    assert.ok(error instanceof InsufficientSpaceError);
    assert.equal(error.code, 'InsufficientSpace');
    assert.match(error.message, /ENOSPC/);
    return true;
  });
  assert.equal(disk.injected(), 1);
});

test('an overwrite failing on a full disk leaves nothing partial and the previous version intact', async (t) => {
  // Prepare
  const { root } = await tempStore(t);
  const disk = fullDisk();
  const good = new FileObjectStore(root);
  const full = new FileObjectStore(root, { fs: disk.fs });
  await good.put('packs/p1', new Uint8Array([7, 7, 7]));

  // Act
  const putting = full.put('packs/p1', randomBytes(64 * 1024));

  // Assess
  await assert.rejects(putting, InsufficientSpaceError);
  assert.equal(disk.injected(), 1);
  assert.deepEqual(await filesUnder(root), ['packs/p1'], 'no temp file and no partial object');
  assert.deepEqual(await good.get('packs/p1'), new Uint8Array([7, 7, 7]), 'the previous version is intact');
});

test('EDQUOT counts as insufficient space too', async (t) => {
  // Prepare
  const faultyFs: FileSystem = {
    ...nodeFs,
    rename: async () => {
      throw Object.assign(new Error('EDQUOT: disk quota exceeded, rename'), { code: 'EDQUOT' });
    },
  };
  const { root } = await tempStore(t);

  // Act
  const putting = new FileObjectStore(root, { fs: faultyFs }).put('q', new Uint8Array(10));

  // Assess
  await assert.rejects(putting, InsufficientSpaceError);
  assert.deepEqual(await filesUnder(root), []);
});

test('a key whose parent is an object cannot be written', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('a', new Uint8Array(1));

  // Act
  const putting = store.put('a/b', new Uint8Array(1));

  // Assess
  await assert.rejects(putting, /cannot write a\/b/);
});

test('a key that is a directory cannot be written', async (t) => {
  // Prepare
  const { store } = await tempStore(t);
  await store.put('d/e', new Uint8Array(1));

  // Act
  const putting = store.put('d', new Uint8Array(1));

  // Assess
  await assert.rejects(putting, /cannot write d/);
});
