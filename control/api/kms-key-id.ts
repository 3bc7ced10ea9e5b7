/**
 * Recognizes references to KMS keys. Requests may name a key (key id, key
 * ARN, alias name with or without `alias/`, alias ARN) but never carry key
 * material; anything else is refused without being echoed, and a value that
 * looks like key material is never sent to KMS either (DescribeKey's
 * parameters are logged by CloudTrail).
 */

const KEY_ID = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
/** KMS's alias name characters (after `alias/`). */
const ALIAS_NAME = '[A-Za-z0-9/_-]{1,250}';
const KEY_ID_ONLY = new RegExp(`^${KEY_ID}$`);
const ALIAS = new RegExp(`^alias/(${ALIAS_NAME})$`);
const BARE_ALIAS = new RegExp(`^${ALIAS_NAME}$`);
const KEY_ARN = new RegExp(`^arn:aws[a-z-]*:kms:([a-z0-9-]{1,32}):\\d{12}:(?:key/${KEY_ID}|alias/(${ALIAS_NAME}))$`);

/** The issue of a value that names no KMS key (the value itself is never echoed: it may be key material). */
export const NOT_A_KEY_REFERENCE = 'not a KMS key reference: give a key id, key ARN, alias name (with or without alias/) or alias ARN';

/** A KMS key reference, as DescribeKey takes it. */
export interface KmsKeyReference {
  /** The `KeyId` to describe: the value given, with `alias/` added to a bare alias name. */
  readonly keyId: string;
  /** The region an ARN names (a key id or alias is looked up in the destination's region). */
  readonly region?: string;
}

/** Hex digits only, 128 bits or more: a key written in hex. */
const HEX_KEY = /^[0-9a-fA-F]{32,}$/;
/** What separates the words of a name: `-`, `_` and `/`. */
const SEPARATORS = /[-_/]/;
/** The fewest letters and digits checked for randomness: most of a 128-bit key's 22 base64 characters. */
const SHORTEST_RANDOM_WORD = 16;
/** Names change character class (upper, lower, digit) at word parts; random base64 at about two characters in three. */
const RANDOM_CLASS_CHANGES = 0.45;

function classOf(char: string): number {
  if (char >= 'a' && char <= 'z') return 0;
  if (char >= 'A' && char <= 'Z') return 1;
  if (char >= '0' && char <= '9') return 2;
  return 3;
}

/** Whether letters and digits switch between upper case, lower case and digits as random base64 does. */
function looksRandom(word: string): boolean {
  if (word.length < SHORTEST_RANDOM_WORD) return false;
  let changes = 0;
  for (let i = 1; i < word.length; i += 1) if (classOf(word[i]!) !== classOf(word[i - 1]!)) changes += 1;
  return changes / (word.length - 1) >= RANDOM_CLASS_CHANGES;
}

/**
 * Whether an alias name looks like key material rather than a name: a word
 * (between `-`, `_`, `/`) of 32 or more hex digits, or 16 or more letters
 * and digits (separators left out, as base64url holds them too) that switch
 * between upper case, lower case and digits as random base64 does (names
 * like `orders-prod-2024` or `ProductionBackupKey` do not).
 */
function looksLikeKeyMaterial(name: string): boolean {
  return name.split(SEPARATORS).some((word) => HEX_KEY.test(word)) || looksRandom(name.split(SEPARATORS).join(''));
}

/**
 * @param value - what a request gave as a key
 * @returns the reference to describe, or undefined when the value names no KMS key (garbage, or what looks like key material)
 */
export function parseKmsKeyReference(value: string): KmsKeyReference | undefined {
  if (KEY_ID_ONLY.test(value)) return { keyId: value };
  const arn = KEY_ARN.exec(value);
  if (arn) return arn[2] !== undefined && looksLikeKeyMaterial(arn[2]) ? undefined : { keyId: value, region: arn[1]! };
  const alias = ALIAS.exec(value)?.[1] ?? (BARE_ALIAS.test(value) ? value : undefined);
  if (alias === undefined || looksLikeKeyMaterial(alias)) return undefined;
  return { keyId: `alias/${alias}` };
}

/**
 * @param value - what a request gave as a key
 * @returns whether it names a KMS key (rather than holding key material or garbage)
 */
export function isKmsKeyName(value: string): boolean {
  return parseKmsKeyReference(value) !== undefined;
}
