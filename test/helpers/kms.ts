/** A KMS key in the emulator, for tests that need one outside a deployed stack. */
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../vault/aws/clients.js';

/** Creates a symmetric KMS key; returns its ARN. */
export async function createKey(description: string): Promise<string> {
  const out = await kmsClient().send(new CreateKeyCommand({ Description: description, KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
  return out.KeyMetadata!.Arn!;
}
