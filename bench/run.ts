/**
 * `npm run bench`: Haven against restic and rustic (the versions pinned in
 * `peers.ts`) on the same synthetic data, every step in its own child
 * process (wall time and peak RSS per step), then a per-stage breakdown of
 * Haven's pipeline. Full backups and restores are repeated (`--runs N`,
 * default 3) with the tools taking turns; the median counts. Prints
 * markdown tables; writes JSON with `--json FILE`. Flags: `--quick`,
 * `--json FILE`, `--keep`, `--skip-restic`, `--skip-rustic`, `--runs N`, `--restore-concurrency N`, `--help`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNodeVersion } from '../local/node-version.js';
import { BENCH_USAGE, parseBenchArgs } from './args.js';
import { generateDataset, mutateRecords, type Dataset } from './dataset.js';
import { HavenTool } from './haven-tool.js';
import { ensureGnuTime, ensureRestic, ensureRustic } from './install.js';
import { loadAverage, machineInfo } from './machine.js';
import { directoryBytes, type MeasuredRun } from './measure.js';
import { limitingStage, limits, mainThreadLine, ratios, ratiosTable, stagesTable, stepsTable } from './report.js';
import { ResticTool, resticSummary } from './restic-tool.js';
import { RusticTool } from './rustic-tool.js';
import { measureStages } from './stages.js';
import { Step, Tool, type BenchTool, type StepResult } from './types.js';
import { fileSha256, verifyRestore } from './verify.js';

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop();
  return line ? (JSON.parse(line) as unknown) : undefined;
}

function details(tool: BenchTool, step: Step, run: MeasuredRun): unknown {
  if (tool.tool === Tool.Haven) return lastJsonLine(run.stdout);
  if (step !== Step.Full && step !== Step.Incremental) return undefined;
  if (tool.tool === Tool.Restic) return resticSummary(run.stdout);
  try {
    return JSON.parse(run.stdout) as unknown; // rustic prints the snapshot, its summary included
  } catch {
    return undefined;
  }
}

async function measure(tool: BenchTool, step: Step, inputBytes: number, run: () => Promise<MeasuredRun>): Promise<StepResult> {
  log(`${tool.tool}: ${step}…`);
  // Flush what earlier steps wrote, so no step pays for another's writeback.
  execFileSync('sync');
  const before = directoryBytes(tool.repoDir);
  const measured = await run();
  const after = directoryBytes(tool.repoDir);
  const result: StepResult = {
    tool: tool.tool,
    step,
    wallSeconds: measured.wallSeconds,
    cpuSeconds: measured.cpuSeconds,
    inputBytes,
    throughputMBs: inputBytes / 1e6 / measured.wallSeconds,
    storedBytes: after,
    newBytes: after - before,
    peakRssMiB: measured.peakRssMiB,
    details: details(tool, step, measured),
  };
  log(`${tool.tool}: ${step} took ${measured.wallSeconds.toFixed(2)} s (CPU ${measured.cpuSeconds.toFixed(2)} s), peak RSS ${measured.peakRssMiB.toFixed(1)} MiB, repository ${(after / 1e6).toFixed(1)} MB`);
  return result;
}

async function hashInputs(dataset: Dataset): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const path of [dataset.records.path, dataset.blobs.path]) digests.set(path, await fileSha256(path));
  return digests;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One step's repetitions as one result: median wall and CPU time, largest peak RSS, the last run's sizes. */
function medianRun(runs: readonly StepResult[]): StepResult {
  const last = runs[runs.length - 1]!;
  const wallSeconds = median(runs.map((r) => r.wallSeconds));
  return {
    ...last,
    wallSeconds,
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    throughputMBs: last.inputBytes / 1e6 / wallSeconds,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    wallRuns: runs.map((r) => r.wallSeconds),
  };
}

async function main(): Promise<void> {
  assertNodeVersion();
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  ensureGnuTime();
  const restic = args.skipRestic ? undefined : ensureRestic();
  const rustic = args.skipRustic ? undefined : ensureRustic();
  const loadAtStart = loadAverage();
  const base = mkdtempSync(join(tmpdir(), 'haven-bench-'));
  log(`working in ${base}${args.keep ? ' (kept)' : ''}`);
  try {
    const dataDir = join(base, 'data');
    await mkdir(dataDir);
    log(`generating ${(args.datasetBytes / 2 ** 20).toFixed(0)} MiB of data…`);
    const dataset = generateDataset(dataDir, args.datasetBytes);
    log(`records.jsonl: ${dataset.records.count} records, ${(dataset.records.bytes / 1e6).toFixed(1)} MB; blobs.bin: ${(dataset.blobs.bytes / 1e6).toFixed(1)} MB`);

    const tools: BenchTool[] = [new HavenTool(join(base, 'haven'), dataset, args.restoreConcurrency)];
    if (restic) tools.push(new ResticTool(restic, join(base, 'restic'), dataDir));
    if (rustic) tools.push(new RusticTool(rustic, join(base, 'rustic'), dataDir));
    for (const tool of tools) await mkdir(join(base, tool.tool), { recursive: true });
    const descriptions = await Promise.all(tools.map((t) => t.describe()));
    for (const tool of tools) await tool.prepare?.();

    const results: StepResult[] = [];
    // Full backups and restores run `runs` times, the tools taking turns (who goes first rotates),
    // so all see the same machine; the median counts. Each full backup after the first starts from
    // a new repository.
    const turnOrder = (rep: number): BenchTool[] => tools.map((_, i) => tools[(i + rep) % tools.length]!);
    const fullRuns = new Map<Tool, StepResult[]>(tools.map((t) => [t.tool, []]));
    for (let rep = 0; rep < args.runs; rep++) {
      for (const tool of turnOrder(rep)) {
        if (rep === 0) results.push(await measure(tool, Step.Init, 0, () => tool.init()));
        else {
          await tool.reset();
          await tool.init();
        }
        fullRuns.get(tool.tool)!.push(await measure(tool, Step.Full, dataset.totalBytes, () => tool.backup('full')));
      }
    }
    for (const tool of tools) results.push(medianRun(fullRuns.get(tool.tool)!));
    const mutation = mutateRecords(dataset);
    log(`mutated ${mutation.records} records (${(mutation.bytes / 1e6).toFixed(2)} MB) in ${mutation.runs.length} runs`);
    const digests = await hashInputs(dataset);
    for (const tool of tools) results.push(await measure(tool, Step.Incremental, dataset.totalBytes, () => tool.backup('incremental')));
    const restoreRuns = new Map<Tool, StepResult[]>(tools.map((t) => [t.tool, []]));
    for (let rep = 0; rep < args.runs; rep++) {
      for (const tool of turnOrder(rep)) {
        const target = join(base, `${tool.tool}-restore`);
        rmSync(target, { recursive: true, force: true });
        await mkdir(target);
        restoreRuns.get(tool.tool)!.push(await measure(tool, Step.Restore, dataset.totalBytes, () => tool.restore(target)));
        if (rep === args.runs - 1) {
          await verifyRestore(tool.tool, digests, await tool.restoredFiles(target));
          log(`${tool.tool}: restored files match the inputs (SHA-256)`);
          if (!args.keep) rmSync(target, { recursive: true, force: true });
        }
      }
    }
    for (const tool of tools) results.push(medianRun(restoreRuns.get(tool.tool)!));

    log(`stage breakdown on a ${(args.stageSampleBytes / 2 ** 20).toFixed(0)} MiB sample…`);
    const stages = await measureStages({
      recordsPath: dataset.records.path,
      blobsPath: dataset.blobs.path,
      sampleBytes: args.stageSampleBytes,
      workDir: join(base, 'stages'),
    });
    const limit = limitingStage(stages);
    const comparisons = [...ratios(results), ...limits(results, args.quick)];
    const machine = machineInfo(base);

    const markdown = [
      `## ${tools.map((t) => t.tool).join(' vs ')} (${args.quick ? 'quick, ~200 MiB' : 'full, ~1 GiB'})`,
      '',
      `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, Node.js ${machine.node}, disk ${machine.disk}; load average ${loadAtStart} at start, ${machine.loadAverage} at end`,
      ...descriptions.map((d) => `- ${d}`),
      `- data: records.jsonl ${(dataset.records.bytes / 1e6).toFixed(1)} MB (${dataset.records.count} records), blobs.bin ${(dataset.blobs.bytes / 1e6).toFixed(1)} MB; incremental: ${mutation.records} records edited in ${mutation.runs.length} runs`,
      '',
      stepsTable(results),
      '',
      ...(comparisons.length > 0 ? [ratiosTable(comparisons), ''] : []),
      `## Haven pipeline stages (${((stages[0]?.stageBytes ?? 0) / 1e6).toFixed(1)} MB sample, 70% records / 30% binary)`,
      '',
      stagesTable(stages, stages[0]?.stageBytes ?? 0),
      '',
      limit ? `Slowest single stage: ${limit.stage} (${limit.plaintextMBs.toFixed(1)} MB/s of plaintext).` : '',
      mainThreadLine(stages),
    ].join('\n');
    process.stdout.write(`${markdown}\n`);
    if (args.json) {
      const report = { quick: args.quick, machine: { ...machine, loadAtStart }, tools: descriptions, dataset, mutation, steps: results, ratios: comparisons, stages, limitingStage: limit?.stage };
      await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${args.json}`);
    }
  } finally {
    if (!args.keep) rmSync(base, { recursive: true, force: true });
  }
}

await main();
