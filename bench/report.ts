/** Turns bench results into markdown tables and Haven's ratios to its peers. */
import { Step, Tool, type StageResult, type StepResult } from './types.js';

/** One comparison of Haven with a peer, with its target when the issue sets one. */
export interface Ratio {
  metric: string;
  /** The peer compared with. */
  peer: Tool;
  haven: number;
  /** The peer's figure. */
  other: number;
  unit: string;
  /** haven / other. */
  ratio: number;
  target: string;
  met: boolean;
}

/** The target column of comparisons reported for information only. */
export const NO_TARGET = '(no target)';

/** Peak RSS Haven must stay at or under (backup and restore), MiB. */
export const HAVEN_RSS_LIMIT_MIB = 200;

/** Full backup throughput Haven must reach on the ~1 GiB set, MB/s. */
export const HAVEN_BACKUP_MBS = 250;

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

/** A target on a ratio: its text and test. */
interface Target {
  text: string;
  met: (ratio: number) => boolean;
}

const atLeast = (x: number): Target => ({ text: `>= ${x.toFixed(1)}x`, met: (r) => r >= x });
const atMost = (x: number): Target => ({ text: `<= ${x.toFixed(2)}x`, met: (r) => r <= x });
const below = (x: number): Target => ({ text: `< ${x.toFixed(1)}x`, met: (r) => r < x });

/** The comparisons made with every peer: which step, which figure, and the target against restic (issue 16). */
const COMPARISONS: ReadonlyArray<{ metric: string; step: Step; unit: string; value: (r: StepResult) => number; restic?: Target }> = [
  { metric: 'full backup throughput', step: Step.Full, unit: 'MB/s', value: (r) => r.throughputMBs, restic: atLeast(1.5) },
  { metric: 'stored bytes after full backup', step: Step.Full, unit: 'MB', value: (r) => r.storedBytes / 1e6, restic: atMost(1.05) },
  { metric: 'stored bytes after incremental', step: Step.Incremental, unit: 'MB', value: (r) => r.storedBytes / 1e6, restic: atMost(1.05) },
  { metric: 'incremental new bytes', step: Step.Incremental, unit: 'MB', value: (r) => r.newBytes / 1e6, restic: atMost(1) },
  { metric: 'incremental throughput', step: Step.Incremental, unit: 'MB/s', value: (r) => r.throughputMBs },
  { metric: 'restore throughput', step: Step.Restore, unit: 'MB/s', value: (r) => r.throughputMBs, restic: atLeast(1.2) },
  { metric: 'full backup CPU time', step: Step.Full, unit: 's', value: (r) => r.cpuSeconds },
  { metric: 'restore CPU time', step: Step.Restore, unit: 's', value: (r) => r.cpuSeconds, restic: below(1) },
  { metric: 'full backup peak RSS', step: Step.Full, unit: 'MiB', value: (r) => r.peakRssMiB },
  { metric: 'restore peak RSS', step: Step.Restore, unit: 'MiB', value: (r) => r.peakRssMiB },
];

/** Haven's comparisons with each peer that ran every step; empty when none did. */
export function ratios(results: readonly StepResult[]): Ratio[] {
  const list: Ratio[] = [];
  for (const peer of [Tool.Restic, Tool.Rustic]) {
    for (const c of COMPARISONS) {
      const haven = find(results, Tool.Haven, c.step);
      const other = find(results, peer, c.step);
      if (!haven || !other) continue;
      const [h, o] = [c.value(haven), c.value(other)];
      const target = peer === Tool.Restic ? c.restic : undefined;
      list.push({ metric: c.metric, peer, haven: h, other: o, unit: c.unit, ratio: h / o, target: target?.text ?? NO_TARGET, met: target?.met(h / o) ?? true });
    }
  }
  return list;
}

/** Haven's own limits (peak RSS of backups and restores, full backup throughput), as rows of the ratios table. */
export function limits(results: readonly StepResult[], quick: boolean): Ratio[] {
  const havenSteps = results.filter((r) => r.tool === Tool.Haven && r.step !== Step.Init);
  if (havenSteps.length === 0) return [];
  const peak = Math.max(...havenSteps.map((r) => r.peakRssMiB));
  const rows: Ratio[] = [
    { metric: 'Haven peak RSS (max over backups and restores)', peer: Tool.Haven, haven: peak, other: HAVEN_RSS_LIMIT_MIB, unit: 'MiB', ratio: peak / HAVEN_RSS_LIMIT_MIB, target: `<= ${HAVEN_RSS_LIMIT_MIB} MiB`, met: peak <= HAVEN_RSS_LIMIT_MIB },
  ];
  const full = find(results, Tool.Haven, Step.Full);
  if (full && !quick) {
    const ratio = full.throughputMBs / HAVEN_BACKUP_MBS;
    rows.push({ metric: 'Haven full backup throughput', peer: Tool.Haven, haven: full.throughputMBs, other: HAVEN_BACKUP_MBS, unit: 'MB/s', ratio, target: `>= ${HAVEN_BACKUP_MBS} MB/s`, met: ratio >= 1 });
  }
  return rows;
}

/** Markdown table of the comparisons and limits. */
export function ratiosTable(list: readonly Ratio[]): string {
  return table(
    ['metric', 'against', 'Haven', 'other', 'Haven/other', 'target', 'met'],
    list.map((r) => [
      r.metric,
      r.peer === Tool.Haven ? 'limit' : r.peer,
      `${r.haven.toFixed(2)} ${r.unit}`,
      `${r.other.toFixed(2)} ${r.unit}`,
      `${r.ratio.toFixed(2)}x`,
      r.target,
      r.target === NO_TARGET ? '-' : r.met ? 'yes' : '**no**',
    ]),
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
