import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, parseBenchArgs } from '../../bench/args.js';

describe('bench flags', () => {
  it('--help asks for the usage, which names every flag the parser takes', () => {
    // Prepare
    const flags = ['--quick', '--skip-restic', '--skip-rustic', '--runs', '--json', '--keep', '--help'];

    // Act
    const parsed = parseBenchArgs(['--help']);

    // Assess
    expect(parsed.help).toBe(true);
    expect(parseBenchArgs([]).help).toBe(false);
    for (const flag of flags) expect(BENCH_USAGE).toContain(flag);
  });
});
