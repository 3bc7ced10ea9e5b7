/**
 * `npm run bench:postgres [-- --quick] [-- --json FILE] [-- --runs N]`: the
 * PostgreSQL case (bench/postgres-run.ts). Builds the sample database with a
 * 1,000,000-row `events` table (200,000 with `--quick`) on a throwaway
 * server, then measures backup and restore, wall time and the CPU of both
 * sides (the tool's process and the server's), for Haven, `pg_dump -Fc`,
 * `pg_dump -Fd -j 2`, `pg_restore -j 2` and `pg_restore`, median of 3 runs
 * with the tools taking turns; every restore is checked against the source.
 * `--json FILE` writes every figure and the `ratios` (Haven's speed over each
 * peer's, above 1 when Haven is faster).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assertNodeVersion } from '../local/node-version.js';
import { pgRatiosTable, pgResultsTable } from './postgres-report.js';
import { runPostgresBench } from './postgres-run.js';

assertNodeVersion();
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' }, runs: { type: 'string', default: '3' }, rows: { type: 'string' }, lanes: { type: 'string', default: '2' } },
});
const runs = Number(values.runs);
const rows = Number(values.rows ?? (values.quick ? 200_000 : 1_000_000));
const lanes = Number(values.lanes);
if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new TypeError(`--runs must be a whole number from 1 to 20, got ${values.runs}`);
if (!Number.isInteger(rows) || rows < 1) throw new TypeError(`--rows must be a positive whole number, got ${values.rows}`);
if (!Number.isInteger(lanes) || lanes < 1 || lanes > 16) throw new TypeError(`--lanes must be a whole number from 1 to 16, got ${values.lanes}`);

const result = await runPostgresBench({ rows, runs, lanes, log: (m) => void process.stderr.write(`[bench:postgres] ${m}\n`) });
process.stdout.write(
  [
    `PostgreSQL case: ${result.records} rows in ${result.partitions} partitions; database ${(result.database_bytes / 1e6).toFixed(0)} MB on disk, ${(result.copy_bytes / 1e6).toFixed(1)} MB of COPY text; medians of ${runs} runs, tools interleaved; load ${result.load_average.before} before, ${result.load_average.after} after`,
    '',
    pgResultsTable(result.results),
    '',
    pgRatiosTable(result.ratios),
    '',
  ].join('\n'),
);
if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
