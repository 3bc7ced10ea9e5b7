import { test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisabledException,
  KMSInternalException,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { kmsClient } from '../../vault/aws/clients.js';
import { KeyAccessError, KeyNotFoundError, KeyServiceUnavailableError } from '../../vault/keys/errors.js';
import { KmsKeyProvider } from '../../vault/keys/kms-key-provider.js';

const context = { vault: `vault-${randomUUID()}`, purpose: 'master' };

async function createKey(): Promise<string> {
  const out = await kmsClient().send(new CreateKeyCommand({ Description: `haven test ${randomUUID()}` }));
  assert.ok(out.KeyMetadata?.KeyId);
  return out.KeyMetadata.KeyId;
}

/**
 * Makes every KMS call of `client` throw `error` before it is sent (ahead of
 * retries) until the test ends: clients are memoized, so the fault is removed
 * then and never reaches another test.
 */
function failEveryCall(t: Pick<TestContext, 'onTestFinished'>, client: KMSClient, error: Error): void {
  const name = `test-fault-${randomUUID()}`;
  client.middlewareStack.add(
    () => async () => {
      throw error;
    },
    { step: 'initialize', name },
  );
  t.onTestFinished(() => {
    client.middlewareStack.remove(name);
  });
}

/** A KMS key whose state is Disabled (checked), and a provider over it whose every call fails as real KMS answers a disabled key. */
async function disabledKeyProvider(t: Pick<TestContext, 'onTestFinished'>): Promise<KmsKeyProvider> {
  const keyId = await createKey();
  await kmsClient().send(new DisableKeyCommand({ KeyId: keyId }));
  const state = (await kmsClient().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;
  assert.equal(state, 'Disabled');
  // Fault injection: moto 5.2.5 records the Disabled state but still serves GenerateDataKey
  // and Decrypt with the key, so the DisabledException real KMS answers is injected here.
  const client = kmsClient({ maxAttempts: 1 });
  failEveryCall(t, client, new DisabledException({ message: `${keyId} is disabled.`, $metadata: { httpStatusCode: 400 } }));
  return new KmsKeyProvider(keyId, { client });
}

test("a provider's reference is kms: and the key id or alias it was given", () => {
  // Prepare
  const keyId = randomUUID();
  const alias = `alias/haven-test-${randomUUID()}`;

  // Act
  const byId = new KmsKeyProvider(keyId);
  const byAlias = new KmsKeyProvider(alias);

  // Assess
  assert.equal(byId.reference, `kms:${keyId}`);
  assert.equal(byAlias.reference, `kms:${alias}`);
});

test('a generated data key is 32 bytes and decrypts by key id with the same context, in any key order', async () => {
  // Prepare
  const provider = new KmsKeyProvider(await createKey());

  // Act
  const { plaintext, wrapped } = await provider.generateDataKey(context);
  const decrypted = await provider.decryptDataKey(wrapped, { purpose: 'master', vault: context.vault });

  // Assess
  assert.equal(plaintext.length, 32);
  assert.ok(wrapped.length > 32);
  assert.deepEqual(decrypted, plaintext);
});

test("a data key decrypts through the key's ARN", async () => {
  // Prepare
  const keyId = await createKey();
  const { plaintext, wrapped } = await new KmsKeyProvider(keyId).generateDataKey(context);
  const arn = (await kmsClient().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Arn ?? '';

  // Act
  const decrypted = await new KmsKeyProvider(arn).decryptDataKey(wrapped, context);

  // Assess
  assert.deepEqual(decrypted, plaintext);
});

test("a provider given a key ARN talks to the key's region, whatever the client default (a copy vault in another region)", async () => {
  // Prepare: moto keeps keys per region, so the key answers only in eu-west-1.
  const other = kmsClient({ region: 'eu-west-1' });
  const arn = (await other.send(new CreateKeyCommand({ Description: `haven test ${randomUUID()}` }))).KeyMetadata?.Arn ?? '';
  assert.match(arn, /^arn:aws:kms:eu-west-1:/);

  // Act
  const { plaintext, wrapped } = await new KmsKeyProvider(arn).generateDataKey(context);

  // Assess
  assert.deepEqual(await new KmsKeyProvider(arn).decryptDataKey(wrapped, context), plaintext);
});

test('a data key generated through an alias decrypts by key id', async () => {
  // Prepare
  const keyId = await createKey();
  const alias = `alias/haven-test-${randomUUID()}`;
  await kmsClient().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));

  // Act
  const generated = await new KmsKeyProvider(alias).generateDataKey(context);

  // Assess
  assert.deepEqual(await new KmsKeyProvider(keyId).decryptDataKey(generated.wrapped, context), generated.plaintext);
});

test('a wrong encryption context is a KeyAccessError', async () => {
  // Prepare
  const provider = new KmsKeyProvider(await createKey());
  const { wrapped } = await provider.generateDataKey(context);
  const wrongContexts: Record<string, string>[] = [{ ...context, vault: 'other' }, { vault: context.vault }, {}];
  for (const wrong of wrongContexts) {
    // Act
    const decrypting = provider.decryptDataKey(wrapped, wrong);

    // Assess
    await assert.rejects(decrypting, (error: unknown) => {
      assert.ok(error instanceof KeyAccessError, String(error));
      assert.match(error.message, /wrong key or encryption context/);
      return true;
    });
  }
});

test('a blob wrapped under another key, or garbage, is a KeyAccessError', async () => {
  // Prepare
  const { wrapped } = await new KmsKeyProvider(await createKey()).generateDataKey(context);
  const other = new KmsKeyProvider(await createKey());
  for (const blob of [wrapped, new Uint8Array(64).fill(9)]) {
    // Act
    const decrypting = other.decryptDataKey(blob, context);

    // Assess
    await assert.rejects(decrypting, KeyAccessError);
  }
});

test('an unknown key id or alias is a KeyNotFoundError', async () => {
  // Prepare
  const { wrapped } = await new KmsKeyProvider(await createKey()).generateDataKey(context);
  const operations = [
    () => new KmsKeyProvider(randomUUID()).generateDataKey(context),
    () => new KmsKeyProvider(`alias/haven-missing-${randomUUID()}`).generateDataKey(context),
    () => new KmsKeyProvider(randomUUID()).decryptDataKey(wrapped, context),
  ];
  for (const operation of operations) {
    // Act
    const running = operation();

    // Assess
    await assert.rejects(running, KeyNotFoundError);
  }
});

test('generating a data key under a disabled key is a KeyAccessError carrying the DisabledException', async (t) => {
  // Prepare
  const provider = await disabledKeyProvider(t);

  // Act
  const generating = provider.generateDataKey(context);

  // Assess
  await assert.rejects(generating, (error: unknown) => {
    assert.ok(error instanceof KeyAccessError, String(error));
    assert.match(error.message, /DisabledException/);
    assert.ok(error.cause instanceof DisabledException);
    return true;
  });
});

test('decrypting a data key under a disabled key is a KeyAccessError', async (t) => {
  // Prepare
  const provider = await disabledKeyProvider(t);

  // Act
  const decrypting = provider.decryptDataKey(new Uint8Array(100), context);

  // Assess
  await assert.rejects(decrypting, KeyAccessError);
});

test('KMS failing after retries is a KeyServiceUnavailableError', async (t) => {
  // Prepare
  const client = kmsClient({ maxAttempts: 1 });
  failEveryCall(t, client, new KMSInternalException({ message: 'injected internal failure', $metadata: { httpStatusCode: 500 } }));

  // Act
  const generating = new KmsKeyProvider('any', { client }).generateDataKey(context);

  // Assess
  await assert.rejects(generating, KeyServiceUnavailableError);
});

test('KMS unreachable is a KeyServiceUnavailableError with code StorageUnavailable', async () => {
  // Prepare
  const unreachable = kmsClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });

  // Act
  const decrypting = new KmsKeyProvider(randomUUID(), { client: unreachable }).decryptDataKey(new Uint8Array(100), context);

  // Assess
  await assert.rejects(decrypting, (error: unknown) => {
    assert.ok(error instanceof KeyServiceUnavailableError, String(error));
    assert.equal(error.code, 'StorageUnavailable');
    return true;
  });
});
