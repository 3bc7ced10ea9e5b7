/** Which KMS key a request names, and the authorization AWS makes on it with the KMS condition keys. */
import { Arn, isArn } from '../arns.js';
import { NoSuchAliasError, UnknownKeyError } from '../errors.js';
import type { AuthorizationRequest } from '../types.js';
import { authorization, type OperationInput } from './rule.js';

/** A key named by a request, resolved to its ARN; `alias` is set when the request named it by alias. */
export interface ResolvedKey {
  keyArn: string;
  alias?: string;
}

const ALIAS_ARN = /^arn:[^:]+:kms:[^:]*:([^:]*):(alias\/.+)$/;

/**
 * The key a `KeyId` names: key id, key ARN, alias name or alias ARN. AWS
 * authorizes the key an alias points to, so an alias must be known to the
 * world; one of the account that it does not know names no key (KMS answers
 * NotFoundException). A key id or ARN the world does not know stands for itself.
 * @throws NoSuchAliasError for an alias of the account the world does not know; UnknownKeyError for another account's
 */
export function resolveKey(input: OperationInput, keyId: string): ResolvedKey {
  const aliasArn = ALIAS_ARN.exec(keyId);
  const aliasName = keyId.startsWith('alias/') ? keyId : aliasArn?.[2];
  const known = input.world.keyArnOf(keyId);
  if (aliasName) {
    if (known) return { keyArn: known, alias: aliasName };
    if (aliasArn && aliasArn[1] !== input.scope.accountId) throw new UnknownKeyError(keyId);
    throw new NoSuchAliasError(Arn.alias(input.scope, aliasName));
  }
  return { keyArn: known ?? (isArn(keyId) ? keyId : Arn.key(input.scope, keyId)) };
}

/** What a KMS authorization carries besides the key. */
export interface KmsUse {
  encryptionContext?: Readonly<Record<string, string>>;
  /** Set when a service calls KMS on the caller's behalf (`s3.us-east-1.amazonaws.com`). */
  viaService?: string;
  encryptionAlgorithm?: string;
}

/**
 * A KMS authorization with the condition keys AWS supplies:
 * `kms:CallerAccount`, `kms:EncryptionContext:<k>` per entry,
 * `kms:EncryptionContextKeys`, `kms:ViaService`, `kms:RequestAlias`,
 * `kms:EncryptionAlgorithm`.
 */
export function kmsAuthorization(action: string, key: ResolvedKey, input: OperationInput, use: KmsUse = {}): AuthorizationRequest {
  const context: Record<string, string | readonly string[] | undefined> = {
    'kms:CallerAccount': input.scope.accountId,
    'kms:ViaService': use.viaService,
    'kms:RequestAlias': key.alias,
    'kms:EncryptionAlgorithm': use.encryptionAlgorithm,
  };
  const entries = Object.entries(use.encryptionContext ?? {});
  if (entries.length > 0) context['kms:EncryptionContextKeys'] = entries.map(([k]) => k);
  for (const [k, v] of entries) context[`kms:EncryptionContext:${k}`] = v;
  return authorization(`kms:${action}`, key.keyArn, context);
}
