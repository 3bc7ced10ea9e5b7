/**
 * What compression may be set to, in one place: the algorithm names, each
 * codec's levels (the engine's real limits) and defaults, the engine's
 * per-backup config and its resolution, and a job's compression setting:
 * its zod schema (as a request gives it and as the catalog stores it), how
 * a change merges into a stored setting, and what a stored setting means
 * for the engine. The API, the backup workflow and the engine all derive
 * from here.
 */
import { z } from 'zod';
import { InvalidCompressionConfigError } from './errors.js';

/** Algorithm names (the format's bytes are `Compression` in codec.ts). */
export const CompressionAlgorithm = {
  Zstd: 'zstd',
  Gzip: 'gzip',
  None: 'none',
} as const;
/** One of {@link CompressionAlgorithm}. */
export type CompressionAlgorithm = (typeof CompressionAlgorithm)[keyof typeof CompressionAlgorithm];

/** Every algorithm name, for schemas and CLI choices. */
export const COMPRESSION_ALGORITHMS = [CompressionAlgorithm.Zstd, CompressionAlgorithm.Gzip, CompressionAlgorithm.None] as const;

/**
 * Levels each codec takes and its default: the engine's limits (zstd's
 * levels 20–22 are "ultra" levels with windows of up to 128 MiB, which the
 * engine does not offer).
 */
export const COMPRESSION_LEVELS = Object.freeze({
  zstd: Object.freeze({ default: 3, min: 1, max: 19 }),
  gzip: Object.freeze({ default: 6, min: 1, max: 9 }),
});

/** An algorithm that takes a level. */
export type LeveledAlgorithm = keyof typeof COMPRESSION_LEVELS;

/** The algorithm a backup uses when nothing says otherwise. */
export const DEFAULT_COMPRESSION_ALGORITHM: LeveledAlgorithm = CompressionAlgorithm.Zstd;

/** The levels in words: `zstd 1–19 (default 3), gzip 1–9 (default 6)`. */
export function describeCompressionLevels(): string {
  return Object.entries(COMPRESSION_LEVELS)
    .map(([name, range]) => `${name} ${range.min}–${range.max} (default ${range.default})`)
    .join(', ');
}

/**
 * What is wrong with a level for an algorithm, if anything.
 *
 * @param level - the level (undefined: the algorithm's default)
 * @returns a message, or undefined when the level is fine
 */
export function compressionLevelProblem(algorithm: CompressionAlgorithm, level: number | undefined): string | undefined {
  if (level === undefined) return undefined;
  if (algorithm === CompressionAlgorithm.None) return 'compression algorithm none takes no level';
  const range = COMPRESSION_LEVELS[algorithm];
  if (!Number.isInteger(level) || level < range.min || level > range.max) return `${algorithm} levels are whole numbers from ${range.min} to ${range.max}`;
  return undefined;
}

/** How a backup compresses its chunks (the engine's config). */
export interface CompressionConfig {
  readonly algorithm: CompressionAlgorithm;
  /** See {@link COMPRESSION_LEVELS}; ignored for `none`. */
  readonly level?: number;
}

/** A validated config with its level filled in (0 for `none`). */
export interface ResolvedCompressionConfig {
  readonly algorithm: CompressionAlgorithm;
  readonly level: number;
}

/**
 * Validates a compression config and fills in the default level.
 *
 * @throws InvalidCompressionConfigError on an unknown algorithm or a level
 *   that is not an integer within the algorithm's range (a level given with
 *   `none` is ignored).
 */
export function resolveCompressionConfig(config: CompressionConfig): ResolvedCompressionConfig {
  const { algorithm, level } = config;
  if (algorithm === CompressionAlgorithm.None) return { algorithm, level: 0 };
  if (!Object.hasOwn(COMPRESSION_LEVELS, algorithm)) {
    throw new InvalidCompressionConfigError(`unknown compression algorithm ${JSON.stringify(algorithm)}`);
  }
  const problem = compressionLevelProblem(algorithm, level);
  if (problem) throw new InvalidCompressionConfigError(`${problem}, got ${String(level)}`);
  return { algorithm, level: level ?? COMPRESSION_LEVELS[algorithm].default };
}

const Algorithm = z.enum(COMPRESSION_ALGORITHMS);

/**
 * A job's compression setting as a request gives it: every field optional
 * (a create fills the defaults, an update keeps the stored values).
 * `enabled: false` or `algorithm: none` stores chunks uncompressed.
 */
export const CompressionChangeSchema = z.strictObject({
  enabled: z.boolean().optional().meta({ description: '`false` stores chunks uncompressed (as `algorithm: none`)' }),
  algorithm: Algorithm.optional().meta({ description: `Default ${DEFAULT_COMPRESSION_ALGORITHM}` }),
  level: z.number().int().optional().meta({ description: `${describeCompressionLevels()}; an algorithm change without a level takes the new algorithm's default` }),
});
/** A compression change (a request's `compression`). */
export type CompressionChange = z.output<typeof CompressionChangeSchema>;

/**
 * A job's compression setting as the catalog stores it, normalized: either
 * `{ enabled: true, algorithm: zstd|gzip, level }` with the level in the
 * codec's range, or `{ enabled: false, algorithm: none }`. Issues name the
 * field (`level`, `algorithm`).
 */
export const CompressionSettingSchema = z
  .strictObject({
    enabled: z.boolean(),
    algorithm: Algorithm,
    level: z.number().int().optional(),
  })
  .superRefine((setting, ctx) => {
    if (setting.enabled !== (setting.algorithm !== CompressionAlgorithm.None)) {
      ctx.addIssue({ code: 'custom', path: ['algorithm'], message: setting.enabled ? 'an enabled compression names zstd or gzip' : 'a disabled compression is algorithm none' });
    }
    const problem = compressionLevelProblem(setting.algorithm, setting.level);
    if (problem) ctx.addIssue({ code: 'custom', path: ['level'], message: problem });
    else if (setting.algorithm !== CompressionAlgorithm.None && setting.level === undefined) ctx.addIssue({ code: 'custom', path: ['level'], message: `${setting.algorithm} needs a level` });
  })
  .meta({ description: `How new chunks are compressed (${describeCompressionLevels()}); \`enabled: false\` is \`algorithm: none\`` });
/** A stored, normalized compression setting. */
export type CompressionSetting = z.output<typeof CompressionSettingSchema>;

/** The setting of a job that names none. */
export const DEFAULT_COMPRESSION_SETTING: CompressionSetting = Object.freeze({
  enabled: true,
  algorithm: DEFAULT_COMPRESSION_ALGORITHM,
  level: COMPRESSION_LEVELS[DEFAULT_COMPRESSION_ALGORITHM].default,
});

/**
 * Merges a change into a stored setting (or the default) and normalizes the
 * result; not yet validated (parse it with {@link CompressionSettingSchema}).
 * `enabled: false` or `algorithm: none` turns compression off; naming
 * another algorithm, or `enabled: true` on a setting that is off, turns it
 * on (with the stored algorithm unless one is named, else the default). A
 * level kept from the stored setting only stays with the same algorithm; a
 * new algorithm without a level takes its default. Also reads records
 * written before settings were normalized (`{ enabled: true }`,
 * `{ enabled: true, algorithm: 'none' }`).
 *
 * @param change - what a request (or an old record) gives
 * @param stored - the setting to change (default: {@link DEFAULT_COMPRESSION_SETTING})
 */
export function mergeCompression(change: Partial<Record<keyof CompressionChange, unknown>> | undefined, stored: CompressionSetting = DEFAULT_COMPRESSION_SETTING): Partial<Record<keyof CompressionSetting, unknown>> {
  const { enabled, algorithm, level } = change ?? {};
  const off = enabled === false || algorithm === CompressionAlgorithm.None || (enabled === undefined && algorithm === undefined && !stored.enabled);
  // A level named with `algorithm: none` is kept, to be refused; with `enabled: false` it is left aside (switched off).
  if (off) return withLevel({ enabled: false, algorithm: CompressionAlgorithm.None }, algorithm === CompressionAlgorithm.None ? level : undefined);
  const storedOn = stored.enabled && stored.algorithm !== CompressionAlgorithm.None;
  const chosen = algorithm ?? (storedOn ? stored.algorithm : DEFAULT_COMPRESSION_ALGORITHM);
  const keptLevel = storedOn && chosen === stored.algorithm ? stored.level : undefined;
  const fallback = typeof chosen === 'string' && Object.hasOwn(COMPRESSION_LEVELS, chosen) ? COMPRESSION_LEVELS[chosen as LeveledAlgorithm].default : undefined;
  return withLevel({ enabled: true, algorithm: chosen }, level ?? keptLevel ?? fallback);
}

function withLevel(setting: { enabled: boolean; algorithm: unknown }, level: unknown): Partial<Record<keyof CompressionSetting, unknown>> {
  return level === undefined ? setting : { ...setting, level };
}

/**
 * A stored setting (normalized or an old record) parsed: what it means.
 *
 * @throws InvalidCompressionConfigError naming each problem
 */
export function parseCompressionSetting(stored: unknown): CompressionSetting {
  const parsed = CompressionSettingSchema.safeParse(mergeCompression(stored as Partial<CompressionChange> | undefined));
  if (!parsed.success) throw new InvalidCompressionConfigError(`invalid compression setting: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * What a stored setting means for the engine, optionally with a run's level.
 *
 * @param level - a run's `compression_level` (ignored when compression is off)
 * @throws InvalidCompressionConfigError for an invalid setting or level
 */
export function compressionConfigOf(stored: unknown, level?: number): ResolvedCompressionConfig {
  const setting = parseCompressionSetting(stored);
  return resolveCompressionConfig({ algorithm: setting.algorithm, level: setting.algorithm === CompressionAlgorithm.None ? undefined : (level ?? setting.level) });
}
