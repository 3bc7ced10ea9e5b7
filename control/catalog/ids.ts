/**
 * Record ids: `<prefix>_<ulid>`, where the ulid is 26 Crockford base32
 * characters (lower case): 48 bits of milliseconds then 80 random bits, so
 * ids sort by creation time. Within one millisecond the generator counts up
 * from the previous id (monotonic, as the ULID spec allows).
 *
 * A backup's id is its execution's id with the other prefix
 * (`exec_X` ↔ `backup_X`): the catalog finds a backup from its id with no
 * extra item. A prune run's id comes from its Step Functions execution's
 * name (`prune_<name>`), so every step of the run, and every retry of a
 * step, names the same record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidRecordError } from './errors.js';

/** The prefix of each kind of id. */
export const IdPrefix = {
  Job: 'job',
  Execution: 'exec',
  Backup: 'backup',
  Restore: 'restore',
  Verification: 'verify',
  PruneRun: 'prune',
} as const;
/** One of {@link IdPrefix}. */
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const RANDOM_BITS = 80n;
const MAX_TIME = 2 ** 48 - 1;
/** The longest id the catalog accepts. */
export const ID_MAX_LENGTH = 128;
/** The characters an id may hold (a regular expression class body). */
const ID_CHARACTERS = 'A-Za-z0-9_-';
const ID_PATTERN = new RegExp(`^[${ID_CHARACTERS}]{1,${ID_MAX_LENGTH}}$`);

let lastTime = -1;
let lastRandom = 0n;

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/**
 * A new ulid for the given time.
 *
 * @param now - the creation time
 * @returns 26 lower-case Crockford base32 characters
 */
export function ulid(now: Date): string {
  const time = Math.min(MAX_TIME, Math.max(0, now.getTime()));
  let random: bigint;
  if (time === lastTime && lastRandom + 1n < 1n << RANDOM_BITS) {
    random = lastRandom + 1n;
  } else {
    random = BigInt(`0x${randomBytes(10).toString('hex')}`);
  }
  lastTime = time;
  lastRandom = random;
  return encode(BigInt(time), TIME_CHARS) + encode(random, RANDOM_CHARS);
}

/**
 * A new id of a kind.
 *
 * @param prefix - the kind
 * @param now - the creation time
 * @returns `<prefix>_<ulid>`
 */
export function newId(prefix: IdPrefix, now: Date): string {
  return `${prefix}_${ulid(now)}`;
}

/**
 * The ids of a kind the catalog accepts, as one regular expression (the
 * API's schemas and its OpenAPI document take their `pattern` from it):
 * `<prefix>_` then id characters, 128 characters at most.
 *
 * @param prefix - the kind
 * @returns `^<prefix>_[A-Za-z0-9_-]{0,n}$`
 */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[${ID_CHARACTERS}]{0,${ID_MAX_LENGTH - prefix.length - 1}}$`);
}

/**
 * Checks an id can be used in keys: 1–128 characters from `A-Z a-z 0-9 _ -`.
 *
 * @param id - the id
 * @param what - what it names, for the error
 * @param prefix - the prefix it must carry, if any
 * @returns the id
 */
export function checkId(id: unknown, what: string, prefix?: IdPrefix): string {
  if (typeof id !== 'string' || !(prefix ? idPattern(prefix) : ID_PATTERN).test(id)) {
    const shape = prefix ? `"${prefix}_…" and ` : '';
    throw new InvalidRecordError(`${what} id ${JSON.stringify(id)} must be ${shape}1–128 characters from A-Z a-z 0-9 _ -`);
  }
  return id;
}

/**
 * @param executionId - `exec_X`
 * @returns `backup_X`
 */
export function backupIdOf(executionId: string): string {
  checkId(executionId, 'execution', IdPrefix.Execution);
  return IdPrefix.Backup + executionId.slice(IdPrefix.Execution.length);
}

/**
 * @param backupId - `backup_X`
 * @returns `exec_X`, or undefined when the id is not a backup id
 */
export function executionIdOf(backupId: string): string | undefined {
  return idPattern(IdPrefix.Backup).test(backupId) ? IdPrefix.Execution + backupId.slice(IdPrefix.Backup.length) : undefined;
}

/** Hex digits of a name's SHA-256 that end the prune run id of a name that is not id-safe. */
const NAME_HASH_CHARS = 8;

/**
 * The prune run of a Step Functions execution: `prune_<name>` when the name
 * is id-safe; otherwise each run of other characters (execution names may
 * hold `.`, `(`, `=`, letters beyond ASCII…) becomes `-`, followed by `-` and
 * 8 hex digits of the name's SHA-256, so different names keep different ids.
 *
 * @param executionName - the execution's name (1–80 characters)
 * @returns the same id for the same name, every time
 */
export function pruneRunIdOf(executionName: string): string {
  const id = `${IdPrefix.PruneRun}_${executionName}`;
  if (ID_PATTERN.test(id)) return id;
  const hash = createHash('sha256').update(executionName).digest('hex').slice(0, NAME_HASH_CHARS);
  return `${IdPrefix.PruneRun}_${executionName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100)}-${hash}`;
}
