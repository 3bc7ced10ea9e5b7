import { test } from 'vitest';
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

/** Makes every KMS call of `client` throw `error` before it is sent (ahead of retries); returns the undo. */
function failEveryCall(client: KMSClient, error: Error): () => void {
  const name = `test-fault-${randomUUID()}`;
  client.middlewareStack.add(
    () => async () => {
      throw error;
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

test('a generated data key decrypts with the same context, by key id, ARN or alias', async () => {
  const keyId = await createKey();
  const provider = new KmsKeyProvider(keyId);
  assert.equal(provider.reference, `kms:${keyId}`);
  const { plaintext, wrapped } = await provider.generateDataKey(context);
  assert.equal(plaintext.length, 32);
  assert.ok(wrapped.length > 32);
  assert.deepEqual(await provider.decryptDataKey(wrapped, { purpose: 'master', vault: context.vault }), plaintext);

  const arn = (await kmsClient().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Arn ?? '';
  assert.deepEqual(await new KmsKeyProvider(arn).decryptDataKey(wrapped, context), plaintext);
  const alias = `alias/haven-test-${randomUUID()}`;
  await kmsClient().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  const byAlias = new KmsKeyProvider(alias);
  assert.equal(byAlias.reference, `kms:${alias}`);
  const second = await byAlias.generateDataKey(context);
  assert.deepEqual(await provider.decryptDataKey(second.wrapped, context), second.plaintext);
});

test('a wrong encryption context is a KeyAccessError', async () => {
  const provider = new KmsKeyProvider(await createKey());
  const { wrapped } = await provider.generateDataKey(context);
  const wrongContexts: Record<string, string>[] = [{ ...context, vault: 'other' }, { vault: context.vault }, {}];
  for (const wrong of wrongContexts) {
    await assert.rejects(provider.decryptDataKey(wrapped, wrong), (error: unknown) => {
      assert.ok(error instanceof KeyAccessError, String(error));
      assert.match(error.message, /wrong key or encryption context/);
      return true;
    });
  }
});

test('a blob wrapped under another key, or garbage, is a KeyAccessError', async () => {
  const { wrapped } = await new KmsKeyProvider(await createKey()).generateDataKey(context);
  const other = new KmsKeyProvider(await createKey());
  await assert.rejects(other.decryptDataKey(wrapped, context), KeyAccessError);
  await assert.rejects(other.decryptDataKey(new Uint8Array(64).fill(9), context), KeyAccessError);
});

test('an unknown key id or alias is a KeyNotFoundError', async () => {
  await assert.rejects(new KmsKeyProvider(randomUUID()).generateDataKey(context), KeyNotFoundError);
  await assert.rejects(new KmsKeyProvider(`alias/haven-missing-${randomUUID()}`).generateDataKey(context), KeyNotFoundError);
  const { wrapped } = await new KmsKeyProvider(await createKey()).generateDataKey(context);
  await assert.rejects(new KmsKeyProvider(randomUUID()).decryptDataKey(wrapped, context), KeyNotFoundError);
});

test('a disabled key is a KeyAccessError', async () => {
  const keyId = await createKey();
  await kmsClient().send(new DisableKeyCommand({ KeyId: keyId }));
  const state = (await kmsClient().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;
  assert.equal(state, 'Disabled');
  // Fault injection: moto 5.2.5 records the Disabled state but still serves GenerateDataKey
  // and Decrypt with the key, so the DisabledException real KMS answers is injected here.
  const client = kmsClient({ maxAttempts: 1 });
  const undo = failEveryCall(client, new DisabledException({ message: `${keyId} is disabled.`, $metadata: { httpStatusCode: 400 } }));
  try {
    const provider = new KmsKeyProvider(keyId, { client });
    await assert.rejects(provider.generateDataKey(context), (error: unknown) => {
      assert.ok(error instanceof KeyAccessError, String(error));
      assert.match(error.message, /DisabledException/);
      assert.ok(error.cause instanceof DisabledException);
      return true;
    });
    await assert.rejects(provider.decryptDataKey(new Uint8Array(100), context), KeyAccessError);
  } finally {
    undo();
  }
});

test('KMS failing or unreachable after retries is a KeyServiceUnavailableError', async () => {
  const client = kmsClient({ maxAttempts: 1 });
  const undo = failEveryCall(
    client,
    new KMSInternalException({ message: 'injected internal failure', $metadata: { httpStatusCode: 500 } }),
  );
  try {
    await assert.rejects(new KmsKeyProvider('any', { client }).generateDataKey(context), KeyServiceUnavailableError);
  } finally {
    undo();
  }
  const unreachable = kmsClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  await assert.rejects(new KmsKeyProvider(randomUUID(), { client: unreachable }).decryptDataKey(new Uint8Array(100), context), (error: unknown) => {
    assert.ok(error instanceof KeyServiceUnavailableError, String(error));
    assert.equal(error.code, 'StorageUnavailable');
    return true;
  });
});
