/** Turns bench results into markdown tables and the Haven/restic ratios. */
import { Step, Tool, type StageResult, type StepResult } from './types.js';

/** One Haven/restic comparison with its target. */
export interface Ratio {
  metric: string;
  haven: number;
  restic: number;
  unit: string;
  /** haven / restic. */
  ratio: number;
  target: string;
  met: boolean;
}

/** The target column of comparisons reported for information only. */
export const NO_TARGET = '(no target)';

/** Peak RSS Haven must stay under, MiB. */
export const HAVEN_RSS_LIMIT_MIB = 300;

const mb = (bytes: number, digits = 1): string => (bytes / 1e6).toFixed(digits);

function find(results: readonly StepResult[], tool: Tool, step: Step): StepResult | undefined {
  return results.find((r) => r.tool === tool && r.step === step);
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Markdown table of every tool and step. */
export function stepsTable(results: readonly StepResult[]): string {
  return table(
    ['tool', 'step', 'wall (s, median)', 'runs (s)', 'CPU (s)', 'input (MB)', 'throughput (MB/s)', 'stored after (MB)', 'new in step (MB)', 'peak RSS (MiB)'],
    results.map((r) => [
      r.tool,
      r.step,
      r.wallSeconds.toFixed(2),
      r.wallRuns && r.wallRuns.length > 1 ? r.wallRuns.map((w) => w.toFixed(2)).join(' / ') : '-',
      r.cpuSeconds.toFixed(2),
      r.inputBytes > 0 ? mb(r.inputBytes) : '-',
      r.inputBytes > 0 ? r.throughputMBs.toFixed(1) : '-',
      mb(r.storedBytes, 2),
      mb(r.newBytes, 2),
      r.peakRssMiB.toFixed(1),
    ]),
  );
}

/** The Haven/restic comparisons against the targets; empty when either tool did not run. */
export function ratios(results: readonly StepResult[]): Ratio[] {
  const pair = (step: Step) => {
    const haven = find(results, Tool.Haven, step);
    const restic = find(results, Tool.Restic, step);
    return haven && restic ? { haven, restic } : undefined;
  };
  const full = pair(Step.Full);
  const incremental = pair(Step.Incremental);
  const restore = pair(Step.Restore);
  if (!full || !incremental || !restore) return [];
  const make = (metric: string, haven: number, restic: number, unit: string, target: string, met: (ratio: number) => boolean): Ratio => {
    const ratio = haven / restic;
    return { metric, haven, restic, unit, ratio, target, met: met(ratio) };
  };
  const peak = (tool: Tool) => Math.max(...results.filter((r) => r.tool === tool).map((r) => r.peakRssMiB));
  const havenPeak = peak(Tool.Haven);
  return [
    make('full backup throughput', full.haven.throughputMBs, full.restic.throughputMBs, 'MB/s', '>= 1.0x', (r) => r >= 1),
    make('stored bytes after full backup', full.haven.storedBytes / 1e6, full.restic.storedBytes / 1e6, 'MB', '<= 1.05x', (r) => r <= 1.05),
    make('stored bytes after incremental', incremental.haven.storedBytes / 1e6, incremental.restic.storedBytes / 1e6, 'MB', '<= 1.05x', (r) => r <= 1.05),
    make('incremental new bytes', incremental.haven.newBytes / 1e6, incremental.restic.newBytes / 1e6, 'MB', '<= 1.0x', (r) => r <= 1),
    make('incremental throughput', incremental.haven.throughputMBs, incremental.restic.throughputMBs, 'MB/s', NO_TARGET, () => true),
    make('restore throughput', restore.haven.throughputMBs, restore.restic.throughputMBs, 'MB/s', '>= 1.0x', (r) => r >= 1),
    make('full backup CPU time', full.haven.cpuSeconds, full.restic.cpuSeconds, 's', NO_TARGET, () => true),
    make('restore CPU time', restore.haven.cpuSeconds, restore.restic.cpuSeconds, 's', NO_TARGET, () => true),
    {
      ...make('peak RSS (max over steps)', havenPeak, peak(Tool.Restic), 'MiB', `Haven < ${HAVEN_RSS_LIMIT_MIB} MiB`, () => true),
      met: havenPeak < HAVEN_RSS_LIMIT_MIB,
    },
  ];
}

/** Markdown table of the ratios. */
export function ratiosTable(list: readonly Ratio[]): string {
  return table(
    ['metric', 'Haven', 'restic', 'Haven/restic', 'target', 'met'],
    list.map((r) => [r.metric, `${r.haven.toFixed(2)} ${r.unit}`, `${r.restic.toFixed(2)} ${r.unit}`, `${r.ratio.toFixed(2)}x`, r.target, r.target === NO_TARGET ? '-' : r.met ? 'yes' : '**no**']),
  );
}

/** Markdown table of the stage breakdown, with the main thread's serial total. */
export function stagesTable(stages: readonly StageResult[], sampleBytes: number): string {
  const main = stages.filter((s) => s.runsOn === 'main thread');
  const mainSeconds = main.reduce((n, s) => n + s.seconds, 0);
  const rows = stages.map((s) => [s.stage, s.runsOn, s.seconds.toFixed(2), mb(s.stageBytes), s.stageMBs.toFixed(1), s.plaintextMBs.toFixed(1), s.note ?? '']);
  rows.splice(rows.length - 1, 0, ['main-thread stages together', 'main thread', mainSeconds.toFixed(2), mb(sampleBytes), '-', (sampleBytes / 1e6 / mainSeconds).toFixed(1), 'serial on one core']);
  return table(['stage', 'runs on', 'seconds', 'stage input (MB)', 'stage MB/s', 'plaintext MB/s', 'note'], rows);
}

/** The stage with the lowest plaintext throughput, among the single stages. */
export function limitingStage(stages: readonly StageResult[]): StageResult | undefined {
  return stages.filter((s) => s.runsOn !== 'pipeline' && !s.stage.includes('1 in flight')).sort((a, b) => a.plaintextMBs - b.plaintextMBs)[0];
}

/** One sentence comparing the serial main-thread stages with the whole pipeline. */
export function mainThreadLine(stages: readonly StageResult[]): string {
  const main = stages.filter((s) => s.runsOn === 'main thread');
  const whole = stages.find((s) => s.runsOn === 'pipeline');
  const bytes = stages[0]?.stageBytes ?? 0;
  const seconds = main.reduce((n, s) => n + s.seconds, 0);
  if (!whole || seconds === 0) return '';
  return `The main-thread stages together (serial on one core) run at ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; the whole pipeline ran at ${whole.plaintextMBs.toFixed(1)} MB/s.`;
}
