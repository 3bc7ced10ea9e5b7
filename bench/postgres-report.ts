/**
 * The PostgreSQL bench's figures: medians of the runs, the ratios of Haven's
 * speed over each peer's (above 1 when Haven is faster: the peer's seconds
 * over Haven's), and the markdown table.
 */
import { PgStep, PgTool } from './postgres-tools.js';

/** One measured run of one tool and step. */
export interface PgRun {
  wall_s: number;
  /** The tool's process (and its threads and children), user + system. */
  client_cpu_s: number;
  /** The server's processes over the same interval. */
  server_cpu_s: number;
  /** client + server. */
  cpu_s: number;
  peak_rss_mib: number;
}

/** A tool's runs of one step and their medians. */
export interface PgResult {
  tool: PgTool;
  step: PgStep;
  runs: PgRun[];
  /** Each figure's median over the runs. */
  median: PgRun;
  /** Bytes the backup wrote (last run), backups only. */
  output_bytes?: number;
  /** Restores only: every table's row count and checksum matched the source's. */
  checked?: boolean;
}

/** Haven's speed over a peer's for one metric. */
export interface PgRatio {
  metric: string;
  peer: PgTool;
  /** The peer's median over Haven's: above 1 when Haven is faster (or uses less CPU). */
  ratio: number;
}

const FIGURES = ['wall_s', 'client_cpu_s', 'server_cpu_s', 'cpu_s', 'peak_rss_mib'] as const;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The per-figure medians of some runs. */
export function medianRun(runs: readonly PgRun[]): PgRun {
  return Object.fromEntries(FIGURES.map((f) => [f, median(runs.map((r) => r[f]))])) as unknown as PgRun;
}

/** The metrics compared, and the figure each compares. */
const METRICS = [
  { suffix: 'wall', figure: 'wall_s' },
  { suffix: 'cpu', figure: 'cpu_s' },
  { suffix: 'client_cpu', figure: 'client_cpu_s' },
  { suffix: 'server_cpu', figure: 'server_cpu_s' },
] as const;

/** Haven against every peer of the same step: `backup_wall`, `backup_cpu`, … `restore_server_cpu`. */
export function pgRatios(results: readonly PgResult[]): PgRatio[] {
  const ratios: PgRatio[] = [];
  for (const step of Object.values(PgStep)) {
    const haven = results.find((r) => r.tool === PgTool.Haven && r.step === step);
    if (!haven) continue;
    for (const peer of results.filter((r) => r.tool !== PgTool.Haven && r.step === step)) {
      for (const { suffix, figure } of METRICS) {
        ratios.push({ metric: `${step}_${suffix}`, peer: peer.tool, ratio: peer.median[figure] / haven.median[figure] });
      }
    }
  }
  return ratios;
}

const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** Markdown table of every tool and step (medians, and each run's wall time). */
export function pgResultsTable(results: readonly PgResult[]): string {
  const header = ['step', 'tool', 'wall s', 'runs (wall s)', 'client CPU s', 'server CPU s', 'CPU s (both)', 'peak RSS MiB', 'output MB', 'restore checked'];
  return [
    line(header),
    line(header.map(() => '---')),
    ...results.map((r) =>
      line([
        r.step,
        r.tool,
        r.median.wall_s.toFixed(2),
        r.runs.map((x) => x.wall_s.toFixed(2)).join(' / '),
        r.median.client_cpu_s.toFixed(2),
        r.median.server_cpu_s.toFixed(2),
        r.median.cpu_s.toFixed(2),
        r.median.peak_rss_mib.toFixed(0),
        r.output_bytes !== undefined ? (r.output_bytes / 1e6).toFixed(1) : '-',
        r.checked === undefined ? '-' : r.checked ? 'yes' : '**no**',
      ]),
    ),
  ].join('\n');
}

/** Markdown table of the ratios. */
export function pgRatiosTable(ratios: readonly PgRatio[]): string {
  return [line(['metric', 'peer', 'Haven speed / peer']), line(['---', '---', '---']), ...ratios.map((r) => line([r.metric, r.peer, `${r.ratio.toFixed(2)}x`]))].join('\n');
}
