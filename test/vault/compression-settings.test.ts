/** The compression module: levels, the job setting's schema, merging a change into a stored setting, and what a setting means for the engine. */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { Compression } from '../../vault/compression/codec.js';
import { compressChunk } from '../../vault/compression/compress.js';
import { InvalidCompressionConfigError } from '../../vault/compression/errors.js';
import {
  COMPRESSION_LEVELS,
  CompressionSettingSchema,
  compressionConfigOf,
  DEFAULT_COMPRESSION_SETTING,
  mergeCompression,
  parseCompressionSetting,
  resolveCompressionConfig,
  type CompressionSetting,
} from '../../vault/compression/settings.js';

const compressible = new Uint8Array(Buffer.from('haven compresses this line. '.repeat(4096)));

describe('compression levels', () => {
  test('the highest level of each codec compresses a chunk', async () => {
    // Prepare
    const configs = [
      { algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.max, byte: Compression.Zstd },
      { algorithm: 'gzip', level: COMPRESSION_LEVELS.gzip.max, byte: Compression.Gzip },
    ] as const;

    // Act
    const stored = await Promise.all(configs.map((c) => compressChunk(compressible, c)));

    // Assess
    assert.deepEqual(stored.map((s) => s.algorithm), configs.map((c) => c.byte));
  });

  test('the engine refuses a zstd level above the codec maximum', () => {
    // Prepare
    const config = { algorithm: 'zstd', level: COMPRESSION_LEVELS.zstd.max + 1 } as const;

    // Act
    const resolve = () => resolveCompressionConfig(config);

    // Assess
    assert.throws(resolve, InvalidCompressionConfigError);
  });

  test('the setting schema refuses a zstd level above the codec maximum, naming the level', () => {
    // Prepare
    const setting = { enabled: true, algorithm: 'zstd', level: 21 };

    // Act
    const parsed = CompressionSettingSchema.safeParse(setting);

    // Assess
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues.map((i) => i.path), [['level']]);
  });

  test('the setting schema refuses a level with algorithm none', () => {
    // Prepare
    const setting = { enabled: false, algorithm: 'none', level: 3 };

    // Act
    const parsed = CompressionSettingSchema.safeParse(setting);

    // Assess
    assert.deepEqual(parsed.error?.issues.map((i) => i.path), [['level']]);
  });
});

describe('merging a compression change', () => {
  const gzip6: CompressionSetting = { enabled: true, algorithm: 'gzip', level: 6 };

  test('a level-only change keeps the stored algorithm', () => {
    // Prepare
    const change = { level: 9 };

    // Act
    const merged = mergeCompression(change, gzip6);

    // Assess
    assert.deepEqual(merged, { enabled: true, algorithm: 'gzip', level: 9 });
  });

  test('an algorithm change without a level takes the new algorithm default', () => {
    // Prepare
    const stored: CompressionSetting = { enabled: true, algorithm: 'zstd', level: 19 };

    // Act
    const merged = mergeCompression({ algorithm: 'gzip' }, stored);

    // Assess
    assert.deepEqual(merged, { enabled: true, algorithm: 'gzip', level: COMPRESSION_LEVELS.gzip.default });
  });

  test('enabled false turns compression off', () => {
    // Prepare
    const change = { enabled: false };

    // Act
    const merged = mergeCompression(change, gzip6);

    // Assess
    assert.deepEqual(merged, { enabled: false, algorithm: 'none' });
  });

  test('enabled true on a setting that is off takes the default algorithm and level', () => {
    // Prepare
    const off: CompressionSetting = { enabled: false, algorithm: 'none' };

    // Act
    const merged = mergeCompression({ enabled: true }, off);

    // Assess
    assert.deepEqual(merged, DEFAULT_COMPRESSION_SETTING);
  });

  test('an empty change on no stored setting is the default setting', () => {
    // Prepare
    const change = {};

    // Act
    const merged = mergeCompression(change);

    // Assess
    assert.deepEqual(merged, { enabled: true, algorithm: 'zstd', level: 3 });
  });
});

describe('what a stored setting means', () => {
  test('an old record naming only enabled reads as the default', () => {
    // Prepare
    const stored = { enabled: true };

    // Act
    const setting = parseCompressionSetting(stored);

    // Assess
    assert.deepEqual(setting, DEFAULT_COMPRESSION_SETTING);
  });

  test('an old record with algorithm none and enabled true reads as off', () => {
    // Prepare
    const stored = { enabled: true, algorithm: 'none' };

    // Act
    const setting = parseCompressionSetting(stored);

    // Assess
    assert.deepEqual(setting, { enabled: false, algorithm: 'none' });
  });

  test('a stored gzip setting resolves to gzip at its level', () => {
    // Prepare
    const stored = { enabled: true, algorithm: 'gzip', level: 9 };

    // Act
    const config = compressionConfigOf(stored);

    // Assess
    assert.deepEqual(config, { algorithm: 'gzip', level: 9 });
  });

  test("a run's level replaces the stored level", () => {
    // Prepare
    const stored = { enabled: true, algorithm: 'zstd', level: 3 };

    // Act
    const config = compressionConfigOf(stored, 12);

    // Assess
    assert.deepEqual(config, { algorithm: 'zstd', level: 12 });
  });

  test("a run's level is ignored when compression is off", () => {
    // Prepare
    const stored = { enabled: false, algorithm: 'none' };

    // Act
    const config = compressionConfigOf(stored, 12);

    // Assess
    assert.deepEqual(config, { algorithm: 'none', level: 0 });
  });

  test("a run's level outside the stored algorithm's range is refused", () => {
    // Prepare
    const stored = { enabled: true, algorithm: 'gzip', level: 6 };

    // Act
    const resolve = () => compressionConfigOf(stored, 12);

    // Assess
    assert.throws(resolve, InvalidCompressionConfigError);
  });

  test('a stored level the engine does not take is refused', () => {
    // Prepare
    const stored = { enabled: true, algorithm: 'zstd', level: 21 };

    // Act
    const parse = () => parseCompressionSetting(stored);

    // Assess
    assert.throws(parse, InvalidCompressionConfigError);
  });
});
