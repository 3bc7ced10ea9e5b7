import { test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalContext } from '../../vault/keys/encryption-context.js';
import { KeyAccessError, KeyFileExistsError, KeyNotFoundError } from '../../vault/keys/errors.js';
import { FileKeyProvider, WRAPPED_LENGTH, createKeyFile } from '../../vault/keys/file-key-provider.js';

async function tempDir(t: Pick<TestContext, 'onTestFinished'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'haven-keyfile-'));
  t.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const context = { vault: 'vault-1', purpose: 'master' } as const;

test('createKeyFile writes 32 random bytes in base64 with mode 0600', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'nested', 'haven.key');
  await createKeyFile(path);
  const text = await readFile(path, 'utf8');
  assert.match(text, /^[A-Za-z0-9+/]{43}=\n$/);
  assert.equal(Buffer.from(text.trim(), 'base64').length, 32);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
});

test('createKeyFile refuses to overwrite an existing file', async (t) => {
  const path = join(await tempDir(t), 'haven.key');
  await createKeyFile(path);
  const before = await readFile(path, 'utf8');
  await assert.rejects(createKeyFile(path), KeyFileExistsError);
  assert.equal(await readFile(path, 'utf8'), before);
});

test('a generated data key round-trips with the same context', async (t) => {
  const path = join(await tempDir(t), 'haven.key');
  await createKeyFile(path);
  const provider = new FileKeyProvider(path);
  assert.equal(provider.reference, 'file:haven.key');
  assert.equal(new FileKeyProvider(path, { name: 'laptop' }).reference, 'file:laptop');
  const { plaintext, wrapped } = await provider.generateDataKey(context);
  assert.equal(plaintext.length, 32);
  assert.equal(wrapped.length, WRAPPED_LENGTH);
  assert.equal(wrapped[0], 1, 'version byte');
  // Key order does not matter: the context is canonicalized.
  const reordered = { purpose: 'master', vault: 'vault-1' };
  assert.deepEqual(await provider.decryptDataKey(wrapped, reordered), plaintext);
  // A fresh provider over the same file unwraps it too.
  assert.deepEqual(await new FileKeyProvider(path).decryptDataKey(wrapped, context), plaintext);
  // Two data keys differ.
  const other = await provider.generateDataKey(context);
  assert.notDeepEqual(other.plaintext, plaintext);
});

test('a wrong context is a KeyAccessError', async (t) => {
  const path = join(await tempDir(t), 'haven.key');
  await createKeyFile(path);
  const provider = new FileKeyProvider(path);
  const { wrapped } = await provider.generateDataKey(context);
  const wrongContexts: Record<string, string>[] = [{ ...context, vault: 'vault-2' }, { vault: 'vault-1' }, { ...context, extra: '' }, {}];
  for (const wrong of wrongContexts) {
    await assert.rejects(provider.decryptDataKey(wrapped, wrong), (error: unknown) => {
      assert.ok(error instanceof KeyAccessError);
      assert.match(error.message, /wrong key or encryption context/);
      return true;
    });
  }
});

test('a wrong key file, or altered bytes, is a KeyAccessError', async (t) => {
  const dir = await tempDir(t);
  await createKeyFile(join(dir, 'a.key'));
  await createKeyFile(join(dir, 'b.key'));
  const { wrapped } = await new FileKeyProvider(join(dir, 'a.key')).generateDataKey(context);
  await assert.rejects(new FileKeyProvider(join(dir, 'b.key')).decryptDataKey(wrapped, context), KeyAccessError);
  const altered = wrapped.slice();
  altered[20] = (altered[20] ?? 0) ^ 1;
  await assert.rejects(new FileKeyProvider(join(dir, 'a.key')).decryptDataKey(altered, context), KeyAccessError);
  await assert.rejects(new FileKeyProvider(join(dir, 'a.key')).decryptDataKey(wrapped.subarray(1), context), KeyAccessError);
  const badVersion = wrapped.slice();
  badVersion[0] = 2;
  await assert.rejects(new FileKeyProvider(join(dir, 'a.key')).decryptDataKey(badVersion, context), /version 1/);
});

test('a missing key file is a KeyNotFoundError; a malformed one a KeyAccessError', async (t) => {
  const dir = await tempDir(t);
  const missing = new FileKeyProvider(join(dir, 'missing.key'));
  await assert.rejects(missing.generateDataKey(context), KeyNotFoundError);
  await assert.rejects(missing.decryptDataKey(new Uint8Array(WRAPPED_LENGTH).fill(1, 0, 1), context), KeyNotFoundError);
  await writeFile(join(dir, 'bad.key'), 'not a key\n');
  await assert.rejects(new FileKeyProvider(join(dir, 'bad.key')).generateDataKey(context), KeyAccessError);
  // Created later, the file is picked up: failures are not cached.
  await createKeyFile(join(dir, 'missing.key'));
  await missing.generateDataKey(context);
});

test('the canonical context sorts keys, including integer-like ones', () => {
  const text = (c: Record<string, string>) => new TextDecoder().decode(canonicalContext(c));
  assert.equal(text({ b: '2', a: '1' }), '{"a":"1","b":"2"}');
  assert.equal(text({ 9: 'x', 10: 'y', a: 'z' }), '{"10":"y","9":"x","a":"z"}');
  assert.equal(text({}), '{}');
  assert.equal(text({ 'q"uote': 'é' }), '{"q\\"uote":"é"}');
});
