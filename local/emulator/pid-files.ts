/**
 * Pid files of running emulators, one `<pid>.json` per server in a state
 * directory, and the reaping of what unclean exits left behind.
 */
import { readFileSync, readdirSync, renameSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, isMotoProcess, processStartTime, terminate } from './processes.js';

/** What a pid file records. */
export interface PidRecord {
  /** The moto server's pid. */
  pid: number;
  port: number;
  /** The pid of the process that started it and stops it. */
  owner: number;
  /** The owner's start time (`processStartTime`), to notice a reused owner pid; absent off Linux. */
  ownerStartTime?: string;
  startedAt: string;
}

/** Path of the pid file of a server. */
export function pidFilePath(dir: string, pid: number): string {
  return join(dir, `${pid}.json`);
}

/** Writes a pid file atomically (temp file then rename), so a concurrent reaper never reads half of one. */
export function writePidFile(dir: string, record: PidRecord): void {
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${record.pid}.${process.pid}.tmp`);
  writeFileSync(temp, JSON.stringify(record));
  renameSync(temp, pidFilePath(dir, record.pid));
}

/** Removes a pid file; a missing one is fine. */
export function removePidFile(dir: string, pid: number): void {
  rmSync(pidFilePath(dir, pid), { force: true });
}

function ownerIsAlive(record: PidRecord): boolean {
  if (!isAlive(record.owner)) return false;
  const startTime = processStartTime(record.owner);
  return record.ownerStartTime === undefined || startTime === undefined || startTime === record.ownerStartTime;
}

/**
 * Removes what an unclean exit left: pid files of dead servers (or of pids
 * now used by something else), and servers whose owning process has died
 * (or whose owner pid now belongs to another process). Servers of live
 * owners are left alone.
 * @returns the number of orphaned servers stopped
 */
export async function reapOrphans(dir: string): Promise<number> {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    return 0;
  }
  let stopped = 0;
  for (const file of entries) {
    const path = join(dir, file);
    let record: PidRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (!isMotoProcess(record.pid)) {
      rmSync(path, { force: true });
    } else if (!ownerIsAlive(record)) {
      await terminate(record.pid);
      rmSync(path, { force: true });
      stopped += 1;
    }
  }
  return stopped;
}
