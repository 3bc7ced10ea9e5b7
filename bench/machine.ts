/** A description of the machine the bench ran on, for the report. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** What the report says about the machine. */
export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  node: string;
  /** `df` of the bench's temp directory: device, type, size. */
  disk: string;
  /** /proc/loadavg when described: other work on the machine skews wall times. */
  loadAverage: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function disk(dir: string): string {
  try {
    const lines = execFileSync('df', ['-hT', dir], { encoding: 'utf8' }).trim().split('\n');
    const [device, type, size] = (lines[1] ?? '').split(/\s+/);
    return `${device ?? '?'} (${type ?? '?'}, ${size ?? '?'})`;
  } catch {
    return 'unknown';
  }
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** Describes this machine; `dir` is where the bench writes. */
export function machineInfo(dir: string): MachineInfo {
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpuModel(),
    node: process.version,
    disk: disk(dir),
    loadAverage: loadAverage(),
  };
}
