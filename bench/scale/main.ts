/**
 * `npm run bench:scale -- [--json FILE] [--sample-mib N] [--case NAME]`:
 * measures the engine on this machine, then plans every case of
 * `cases.ts` with the real planners and models it (no data moves, no
 * network). Prints markdown; exits 1 when any case exceeds a limit.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ASSUMPTIONS } from './assumptions.js';
import { BATCHING } from './batching.js';
import { SCALE_CASES } from './cases.js';
import { AWS_LIMITS, REQUIRED_MARGIN } from './limits.js';
import { measureEngine } from './measure.js';
import { vcpus } from './model.js';
import { PRICES, PRICES_AS_OF, PRICES_REGION } from './prices.js';
import { caseMarkdown } from './report.js';
import { backupStepSizing } from './steps.js';
import { runCase, type CaseResult } from './run-case.js';

const { values } = parseArgs({ options: { json: { type: 'string' }, 'sample-mib': { type: 'string', default: '256' }, case: { type: 'string', multiple: true } } });
const sampleMib = Number(values['sample-mib']);
if (!Number.isInteger(sampleMib) || sampleMib < 16) throw new TypeError(`--sample-mib must be a whole number of at least 16, got ${values['sample-mib']}`);
const chosen = values.case ? SCALE_CASES.filter((c) => values.case!.includes(c.name)) : SCALE_CASES;
if (chosen.length === 0) throw new TypeError(`no case named ${values.case!.join(', ')}; cases: ${SCALE_CASES.map((c) => c.name).join(', ')}`);

const measured = await measureEngine(sampleMib * 1024 * 1024);
const engine = { full_mb_per_cpu_second: measured.full.mb_per_cpu_second, dedup_mb_per_cpu_second: measured.dedup.mb_per_cpu_second, verify_mb_per_cpu_second: measured.verify.mb_per_cpu_second, index_heap_bytes_per_blob: measured.index_heap_bytes_per_blob, index_load_cpu_seconds_per_blob: measured.index_load_cpu_seconds_per_blob };
const exportMemory = [...backupStepSizing().values()].find((s) => s.step === 'exportPartition')?.memory_mb ?? 0;
const results: CaseResult[] = [];
for (const scale of chosen) results.push(await runCase(scale, { engine }));

const header = [
  '## Haven capacity model',
  `Engine on this machine (${measured.machine.cpus} CPUs, Node.js ${measured.machine.node}; ${sampleMib} MiB sample through vault/backup into a filesystem vault):`,
  `full ${engine.full_mb_per_cpu_second.toFixed(0)} MB per CPU-second (${measured.full.wall_seconds.toFixed(1)} s wall), unchanged data ${engine.dedup_mb_per_cpu_second.toFixed(0)} MB per CPU-second (${measured.dedup.wall_seconds.toFixed(1)} s wall), checksum verification ${engine.verify_mb_per_cpu_second.toFixed(0)} MB per CPU-second (${measured.verify.wall_seconds.toFixed(1)} s wall), dedup set (BlobIdSet) ${engine.index_heap_bytes_per_blob.toFixed(1)} heap bytes per blob, loaded in ${(engine.index_load_cpu_seconds_per_blob * 1e6).toFixed(2)} CPU-seconds per million blobs.`,
  `An export function of ${exportMemory} MB gets ${vcpus(exportMemory).toFixed(2)} vCPU (${ASSUMPTIONS.lambdaMbPerVcpu.value} MB per vCPU), so it exports ${(engine.full_mb_per_cpu_second * vcpus(exportMemory)).toFixed(0)} MB/s of new data and ${(engine.dedup_mb_per_cpu_second * vcpus(exportMemory)).toFixed(0)} MB/s of unchanged data, assuming Lambda gives it that CPU share and its I/O overlaps.`,
  `Batching: ${BATCHING.source}. Prices: ${PRICES_REGION}, as of ${PRICES_AS_OF}. Limits kept with a ${REQUIRED_MARGIN}x margin.`,
];
console.log([...header, '', ...results.map(caseMarkdown)].join('\n\n'));

if (values.json) {
  const json = { generated_at: new Date().toISOString(), engine: measured, batching_source: BATCHING.source, prices_as_of: PRICES_AS_OF, prices: PRICES, limits: AWS_LIMITS, assumptions: ASSUMPTIONS, cases: results };
  await writeFile(values.json, `${JSON.stringify(json, null, 2)}\n`);
}
process.exitCode = results.every((r) => r.limits_ok) ? 0 : 1;
