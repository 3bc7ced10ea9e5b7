/**
 * The default {@link KeyChecker}: one `kms:DescribeKey` in the key's
 * region. KMS answers NotFoundException for a key or alias that does not
 * exist and AccessDeniedException for one Haven may not describe; anything
 * else it cannot answer is a 503 (retry later), never a 422.
 */
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../../vault/aws/clients.js';
import { ServiceUnavailableApiError } from '../errors.js';
import type { KeyChecker, KeyLookup } from '../ports.js';

const REASONS: Readonly<Record<string, KeyLookup>> = {
  NotFoundException: { found: false, reason: 'not_found' },
  AccessDeniedException: { found: false, reason: 'denied' },
  InvalidArnException: { found: false, reason: 'invalid' },
  ValidationException: { found: false, reason: 'invalid' },
};

/** Describes keys through the configured KMS endpoint. */
export class AwsKeyChecker implements KeyChecker {
  async describe(keyId: string, region: string): Promise<KeyLookup> {
    try {
      const out = await kmsClient({ region }).send(new DescribeKeyCommand({ KeyId: keyId }));
      return { found: true, arn: out.KeyMetadata?.Arn ?? '', state: out.KeyMetadata?.KeyState ?? 'Unknown' };
    } catch (error) {
      const known = REASONS[(error as { name?: string }).name ?? ''];
      if (known) return known;
      throw new ServiceUnavailableApiError('KMS could not describe the key; retry later', { cause: error });
    }
  }
}
