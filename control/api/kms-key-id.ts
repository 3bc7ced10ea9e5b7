/**
 * Recognizes names of KMS keys. Requests may name a key (key id, key ARN,
 * alias, alias ARN) but never carry key material; anything else is refused
 * without being echoed.
 */

const KEY_ID = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
const ALIAS = 'alias/[A-Za-z0-9/_-]{1,250}';
const KMS_KEY_NAME = new RegExp(`^(?:${KEY_ID}|${ALIAS}|arn:aws[a-z-]*:kms:[a-z0-9-]{1,32}:\\d{12}:(?:key/${KEY_ID}|${ALIAS}))$`);

/**
 * @param value - what a request gave as a key
 * @returns whether it names a KMS key (rather than holding key material or garbage)
 */
export function isKmsKeyName(value: string): boolean {
  return KMS_KEY_NAME.test(value);
}
