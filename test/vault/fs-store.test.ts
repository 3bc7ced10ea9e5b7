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

test('put then get round-trips, overwrites atomically and leaves no temp files', async (t) => {
  const { root, store } = await tempStore(t);
  const body = randomBytes(3 * 1024 * 1024 + 17);
  const progress: number[] = [];
  await store.put('data/ab/abcdef', body, { onProgress: (n) => progress.push(n) });
  assert.deepEqual(await store.get('data/ab/abcdef'), new Uint8Array(body));
  assert.equal(progress.at(-1), body.length);
  await store.put('data/ab/abcdef', new Uint8Array([1, 2, 3]));
  assert.deepEqual(await store.get('data/ab/abcdef'), new Uint8Array([1, 2, 3]));
  await store.put('empty', new Uint8Array(0));
  assert.deepEqual(await store.get('empty'), new Uint8Array(0));
  assert.deepEqual(await filesUnder(root), ['data/ab/abcdef', 'empty']);
  assert.equal(store.uri, `file://${root}`);
});

test('ranged get returns the bytes in [start, end), and only those that exist', async (t) => {
  const { store } = await tempStore(t);
  const body = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));
  await store.put('obj', body);
  assert.deepEqual(await store.get('obj', { start: 10, end: 20 }), body.slice(10, 20));
  assert.deepEqual(await store.get('obj', { start: 0, end: 100 }), body);
  assert.deepEqual(await store.get('obj', { start: 90, end: 150 }), body.slice(90));
  assert.deepEqual(await store.get('obj', { start: 200, end: 300 }), new Uint8Array(0));
  assert.deepEqual(await store.get('obj', { start: 5, end: 5 }), new Uint8Array(0));
  await assert.rejects(store.get('obj', { start: 5, end: 4 }), RangeError);
  await assert.rejects(store.get('nope', { start: 0, end: 1 }), ObjectNotFoundError);
});

test('head reports size and mtime; missing objects and directories are undefined', async (t) => {
  const { store } = await tempStore(t);
  await store.put('a/b', new Uint8Array(42));
  const info = await store.head('a/b');
  assert.equal(info?.key, 'a/b');
  assert.equal(info?.size, 42);
  assert.ok(info?.lastModified instanceof Date);
  assert.equal(await store.head('a/missing'), undefined);
  assert.equal(await store.head('a'), undefined);
  assert.equal(await store.head('a/b/c'), undefined);
});

test('missing objects throw ObjectNotFoundError naming the key', async (t) => {
  const { store } = await tempStore(t);
  await store.put('dir/file', new Uint8Array(1));
  for (const key of ['nothing', 'dir', 'dir/file/below', 'other/dir/x']) {
    await assert.rejects(store.get(key), (error: unknown) => error instanceof ObjectNotFoundError && error.key === key);
  }
});

test('list walks lazily in byte order with relative keys, skipping temp files', async (t) => {
  const { root, store } = await tempStore(t);
  const keys = ['config', 'data/00/0a', 'data/00/0b', 'data/a-c', 'data/a/b', 'data/ff/f1', 'index/i1', 'snapshots/s1'];
  for (const key of [...keys].reverse()) await store.put(key, new TextEncoder().encode(key));
  await writeFile(join(root, 'data', `${TEMP_FILE_PREFIX}stray.123`), 'partial');
  await mkdir(join(root, 'empty-dir'));

  const all = await collect(store.list(''));
  assert.deepEqual(
    all.map((o) => o.key),
    [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
  );
  assert.equal(all.find((o) => o.key === 'data/a/b')?.size, 'data/a/b'.length);
  assert.deepEqual((await collect(store.list('data/'))).map((o) => o.key), ['data/00/0a', 'data/00/0b', 'data/a-c', 'data/a/b', 'data/ff/f1']);
  assert.deepEqual((await collect(store.list('data/0'))).map((o) => o.key), ['data/00/0a', 'data/00/0b']);
  assert.deepEqual((await collect(store.list('data/00/0b'))).map((o) => o.key), ['data/00/0b']);
  assert.deepEqual(await collect(store.list('nothing/here/')), []);

  // Lazy: stopping early is fine.
  for await (const first of store.list('')) {
    assert.equal(first.key, 'config');
    break;
  }
});

test('list of a missing root is empty', async () => {
  const store = new FileObjectStore(join(tmpdir(), `haven-missing-${randomBytes(6).toString('hex')}`));
  assert.deepEqual(await collect(store.list('')), []);
});

test('delete removes an object and ignores a missing one', async (t) => {
  const { store } = await tempStore(t);
  await store.put('x/y', new Uint8Array(3));
  await store.delete('x/y');
  assert.equal(await store.head('x/y'), undefined);
  await store.delete('x/y');
  await store.delete('never/was');
});

test('keys that could leave the root are rejected with InvalidObjectKeyError', async (t) => {
  const { root, store } = await tempStore(t);
  const bad = ['', '../escape', 'a/../../escape', '/etc/passwd', 'a//b', './a', 'a/.', 'a\\b', 'nul\0', `${TEMP_FILE_PREFIX}x`, 'a/'];
  for (const key of bad) {
    await assert.rejects(store.put(key, new Uint8Array(1)), InvalidObjectKeyError, `put ${JSON.stringify(key)}`);
    await assert.rejects(store.get(key), InvalidObjectKeyError, `get ${JSON.stringify(key)}`);
    await assert.rejects(store.head(key), InvalidObjectKeyError, `head ${JSON.stringify(key)}`);
    await assert.rejects(store.delete(key), InvalidObjectKeyError, `delete ${JSON.stringify(key)}`);
  }
  for (const prefix of ['../', '/abs', 'a/../', '..']) {
    await assert.rejects(collect(store.list(prefix)), InvalidObjectKeyError, `list ${JSON.stringify(prefix)}`);
  }
  assert.deepEqual(await filesUnder(root), []);
});

test('ifNotExists refuses to replace an object, atomically under a race', async (t) => {
  const { root, store } = await tempStore(t);
  await store.put('config', new Uint8Array([1]), { ifNotExists: true });
  await assert.rejects(store.put('config', new Uint8Array([2]), { ifNotExists: true }), ObjectExistsError);
  assert.deepEqual(await store.get('config'), new Uint8Array([1]));

  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => store.put('race', new Uint8Array([i]), { ifNotExists: true })),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ObjectExistsError);
  assert.deepEqual(await filesUnder(root), ['config', 'race']);
});

test('a full disk (ENOSPC) is InsufficientSpaceError and leaves nothing partial', async (t) => {
  // Fault injection: a real full filesystem needs a small tmpfs (root and mount); instead the
  // store gets an fs whose file handles write part of the body, then fail with ENOSPC.
  let injected = 0;
  const faultyFs: FileSystem = {
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
  const { root } = await tempStore(t);
  const good = new FileObjectStore(root);
  const full = new FileObjectStore(root, { fs: faultyFs });
  await good.put('packs/p1', new Uint8Array([7, 7, 7]));

  await assert.rejects(full.put('packs/p1', randomBytes(64 * 1024)), InsufficientSpaceError);
  await assert.rejects(full.put('packs/p2', randomBytes(64 * 1024)), (error: unknown) => {
    assert.ok(error instanceof InsufficientSpaceError);
    assert.equal(error.code, 'InsufficientSpace');
    assert.match(error.message, /ENOSPC/);
    return true;
  });
  assert.equal(injected, 2);
  assert.deepEqual(await filesUnder(root), ['packs/p1'], 'no temp file and no partial object');
  assert.deepEqual(await good.get('packs/p1'), new Uint8Array([7, 7, 7]), 'the previous version is intact');
});

test('EDQUOT counts as insufficient space too', async (t) => {
  const faultyFs: FileSystem = {
    ...nodeFs,
    rename: async () => {
      throw Object.assign(new Error('EDQUOT: disk quota exceeded, rename'), { code: 'EDQUOT' });
    },
  };
  const { root } = await tempStore(t);
  await assert.rejects(new FileObjectStore(root, { fs: faultyFs }).put('q', new Uint8Array(10)), InsufficientSpaceError);
  assert.deepEqual(await filesUnder(root), []);
});

test('a key whose parent is an object, or that is a directory, cannot be written', async (t) => {
  const { store } = await tempStore(t);
  await store.put('a', new Uint8Array(1));
  await assert.rejects(store.put('a/b', new Uint8Array(1)), /cannot write a\/b/);
  await store.put('d/e', new Uint8Array(1));
  await assert.rejects(store.put('d', new Uint8Array(1)), /cannot write d/);
});
