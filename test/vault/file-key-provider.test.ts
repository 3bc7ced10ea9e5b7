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

/** A key file in a fresh temp directory and a provider over it. */
async function keyFile(t: Pick<TestContext, 'onTestFinished'>, name = 'haven.key'): Promise<{ path: string; provider: FileKeyProvider }> {
  const path = join(await tempDir(t), name);
  await createKeyFile(path);
  return { path, provider: new FileKeyProvider(path) };
}

test('createKeyFile writes 32 random bytes in base64 with mode 0600', async (t) => {
  // Prepare
  const dir = await tempDir(t);
  const path = join(dir, 'nested', 'haven.key');

  // Act
  await createKeyFile(path);

  // Assess
  const text = await readFile(path, 'utf8');
  assert.match(text, /^[A-Za-z0-9+/]{43}=\n$/);
  assert.equal(Buffer.from(text.trim(), 'base64').length, 32);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
});

test('createKeyFile refuses to overwrite an existing file', async (t) => {
  // Prepare
  const { path } = await keyFile(t);
  const before = await readFile(path, 'utf8');

  // Act
  const creating = createKeyFile(path);

  // Assess
  await assert.rejects(creating, KeyFileExistsError);
  assert.equal(await readFile(path, 'utf8'), before);
});

test("a provider's reference is the key file's name, or the name it is given", async (t) => {
  // Prepare
  const { path } = await keyFile(t);

  // Act
  const unnamed = new FileKeyProvider(path);
  const named = new FileKeyProvider(path, { name: 'laptop' });

  // Assess
  assert.equal(unnamed.reference, 'file:haven.key');
  assert.equal(named.reference, 'file:laptop');
});

test('a generated data key is 32 bytes, wrapped with a version byte', async (t) => {
  // Prepare
  const { provider } = await keyFile(t);

  // Act
  const { plaintext, wrapped } = await provider.generateDataKey(context);

  // Assess
  assert.equal(plaintext.length, 32);
  assert.equal(wrapped.length, WRAPPED_LENGTH);
  assert.equal(wrapped[0], 1, 'version byte');
});

test('a generated data key round-trips with the same context, in any key order and through a fresh provider', async (t) => {
  // Prepare
  const { path, provider } = await keyFile(t);
  const { plaintext, wrapped } = await provider.generateDataKey(context);
  // Key order does not matter: the context is canonicalized.
  const reordered = { purpose: 'master', vault: 'vault-1' };

  // Act
  const unwrapped = await provider.decryptDataKey(wrapped, reordered);
  // A fresh provider over the same file unwraps it too.
  const unwrappedFresh = await new FileKeyProvider(path).decryptDataKey(wrapped, context);

  // Assess
  assert.deepEqual(unwrapped, plaintext);
  assert.deepEqual(unwrappedFresh, plaintext);
});

test('two generated data keys differ', async (t) => {
  // Prepare
  const { provider } = await keyFile(t);

  // Act
  const first = await provider.generateDataKey(context);
  const second = await provider.generateDataKey(context);

  // Assess
  assert.notDeepEqual(second.plaintext, first.plaintext);
});

test('a wrong context is a KeyAccessError', async (t) => {
  // Prepare
  const { provider } = await keyFile(t);
  const { wrapped } = await provider.generateDataKey(context);
  const wrongContexts: Record<string, string>[] = [{ ...context, vault: 'vault-2' }, { vault: 'vault-1' }, { ...context, extra: '' }, {}];
  for (const wrong of wrongContexts) {
    // Act
    const decrypting = provider.decryptDataKey(wrapped, wrong);

    // Assess
    await assert.rejects(decrypting, (error: unknown) => {
      assert.ok(error instanceof KeyAccessError);
      assert.match(error.message, /wrong key or encryption context/);
      return true;
    });
  }
});

test('a data key wrapped under another key file is a KeyAccessError', async (t) => {
  // Prepare
  const dir = await tempDir(t);
  await createKeyFile(join(dir, 'a.key'));
  await createKeyFile(join(dir, 'b.key'));
  const { wrapped } = await new FileKeyProvider(join(dir, 'a.key')).generateDataKey(context);

  // Act
  const decrypting = new FileKeyProvider(join(dir, 'b.key')).decryptDataKey(wrapped, context);

  // Assess
  await assert.rejects(decrypting, KeyAccessError);
});

test('an altered or truncated wrapped data key is a KeyAccessError', async (t) => {
  // Prepare
  const { provider } = await keyFile(t);
  const { wrapped } = await provider.generateDataKey(context);
  const altered = wrapped.slice();
  altered[20] = (altered[20] ?? 0) ^ 1;
  for (const damaged of [altered, wrapped.subarray(1)]) {
    // Act
    const decrypting = provider.decryptDataKey(damaged, context);

    // Assess
    await assert.rejects(decrypting, KeyAccessError);
  }
});

test('a wrapped data key of another version is refused, naming version 1', async (t) => {
  // Prepare
  const { provider } = await keyFile(t);
  const { wrapped } = await provider.generateDataKey(context);
  const badVersion = wrapped.slice();
  badVersion[0] = 2;

  // Act
  const decrypting = provider.decryptDataKey(badVersion, context);

  // Assess
  await assert.rejects(decrypting, /version 1/);
});

test('a missing key file is a KeyNotFoundError', async (t) => {
  // Prepare
  const dir = await tempDir(t);
  const missing = new FileKeyProvider(join(dir, 'missing.key'));
  const operations = [() => missing.generateDataKey(context), () => missing.decryptDataKey(new Uint8Array(WRAPPED_LENGTH).fill(1, 0, 1), context)];
  for (const operation of operations) {
    // Act
    const running = operation();

    // Assess
    await assert.rejects(running, KeyNotFoundError);
  }
});

test('a malformed key file is a KeyAccessError', async (t) => {
  // Prepare
  const dir = await tempDir(t);
  await writeFile(join(dir, 'bad.key'), 'not a key\n');

  // Act
  const generating = new FileKeyProvider(join(dir, 'bad.key')).generateDataKey(context);

  // Assess
  await assert.rejects(generating, KeyAccessError);
});

test('a key file created after a failed read is picked up: failures are not cached', async (t) => {
  // Prepare
  const dir = await tempDir(t);
  const missing = new FileKeyProvider(join(dir, 'missing.key'));
  await assert.rejects(missing.generateDataKey(context), KeyNotFoundError);
  await createKeyFile(join(dir, 'missing.key'));

  // Act
  const { plaintext } = await missing.generateDataKey(context);

  // Assess
  assert.equal(plaintext.length, 32);
});

test('the canonical context sorts keys, including integer-like ones', () => {
  // Prepare
  const text = (c: Record<string, string>) => new TextDecoder().decode(canonicalContext(c));

  // Act
  const sorted = text({ b: '2', a: '1' });
  const integerLike = text({ 9: 'x', 10: 'y', a: 'z' });
  const empty = text({});
  const escaped = text({ 'q"uote': 'é' });

  // Assess
  assert.equal(sorted, '{"a":"1","b":"2"}');
  assert.equal(integerLike, '{"10":"y","9":"x","a":"z"}');
  assert.equal(empty, '{}');
  assert.equal(escaped, '{"q\\"uote":"é"}');
});
