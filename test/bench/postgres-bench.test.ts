/**
 * The PostgreSQL bench's code path at a tiny size (bench/postgres-run.ts):
 * every tool's backup and restore measured, the JSON figures and ratios,
 * and the restore check that compares a restored database with the source.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { fingerprintDifferences, tableFingerprints } from '../../bench/postgres-check.js';
import { runPostgresBench } from '../../bench/postgres-run.js';
import { PgStep, PgTool } from '../../bench/postgres-tools.js';
import { connect, createDatabase, sql } from '../helpers/postgres.js';

describe('PostgreSQL bench', () => {
  test('one tiny run measures backup and restore of Haven and every peer, checks each restore, and rates Haven against each peer', async () => {
    // Act
    const result = await runPostgresBench({ rows: 1000, runs: 1 });

    // Assess
    const json = JSON.parse(JSON.stringify(result)) as typeof result;
    assert.deepEqual(
      json.results.map((r) => `${r.step} ${r.tool}`),
      ['backup haven', 'backup pg_dump -Fc', 'backup pg_dump -Fd -j 2', 'restore haven', 'restore pg_restore -j 2', 'restore pg_restore'],
    );
    for (const r of json.results) {
      assert.equal(r.runs.length, 1);
      assert.ok(r.median.wall_s > 0 && r.median.client_cpu_s >= 0 && r.median.server_cpu_s >= 0 && r.median.peak_rss_mib > 0, `${r.step} ${r.tool}`);
      assert.equal(r.median.cpu_s, r.median.client_cpu_s + r.median.server_cpu_s);
      if (r.step === PgStep.Restore) assert.equal(r.checked, true);
      else assert.ok(r.output_bytes! > 0);
    }
    assert.equal(json.records, 3552);
    const ratio = (metric: string, peer: string) => json.ratios.find((r) => r.metric === metric && r.peer === peer)?.ratio;
    for (const peer of [PgTool.DumpCustom, PgTool.DumpDirectory]) for (const metric of ['backup_wall', 'backup_cpu']) assert.ok(ratio(metric, peer)! > 0, `${metric} ${peer}`);
    for (const peer of [PgTool.RestoreParallel, PgTool.RestoreSingle]) for (const metric of ['restore_wall', 'restore_cpu']) assert.ok(ratio(metric, peer)! > 0, `${metric} ${peer}`);
    const havenBackup = json.results.find((r) => r.tool === PgTool.Haven && r.step === PgStep.Backup)!;
    const dump = json.results.find((r) => r.tool === PgTool.DumpCustom)!;
    assert.equal(ratio('backup_wall', PgTool.DumpCustom), dump.median.wall_s / havenBackup.median.wall_s);
  });

  test('the restore check names a table whose rows differ from the source, and one that is missing', async () => {
    // Prepare
    const database = await createDatabase('bench_check');
    await sql(database, "CREATE TABLE public.a (id int PRIMARY KEY, v text); INSERT INTO public.a VALUES (1, 'x'), (2, 'y'); CREATE TABLE public.b (id int)");
    const client = await connect(database);
    const source = await tableFingerprints(client);
    await client.query("UPDATE public.a SET v = 'z' WHERE id = 2; DROP TABLE public.b");

    // Act
    const differences = fingerprintDifferences(source, await tableFingerprints(client).finally(() => client.end()));

    // Assess
    assert.equal(differences.length, 2);
    assert.match(differences[0]!, /^public\.a: 2 rows \(checksum -?\d+\), the source has 2 \(checksum -?\d+\)$/);
    assert.equal(differences[1], 'public.b is missing');
  });
});
