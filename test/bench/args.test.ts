import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, parseBenchArgs } from '../../bench/args.js';

describe('bench flags', () => {
  it('--help asks for the usage, which names every flag the parser takes', () => {
    // Prepare
    const flags = ['--quick', '--skip-restic', '--skip-rustic', '--runs', '--restore-concurrency', '--json', '--keep', '--help'];

    // Act
    const parsed = parseBenchArgs(['--help']);

    // Assess
    expect(parsed.help).toBe(true);
    expect(parseBenchArgs([]).help).toBe(false);
    for (const flag of flags) expect(BENCH_USAGE).toContain(flag);
  });

  it('--restore-concurrency takes a whole number from 1 to 64 and is unset by default', () => {
    // Act
    const set = parseBenchArgs(['--restore-concurrency', '2']);
    const unset = parseBenchArgs([]);
    const bad = ['0', '1.5', 'x'].map((value) => () => parseBenchArgs(['--restore-concurrency', value]));

    // Assess
    expect(set.restoreConcurrency).toBe(2);
    expect(unset.restoreConcurrency).toBeUndefined();
    for (const parse of bad) expect(parse).toThrow(TypeError);
  });
});
