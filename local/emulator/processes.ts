/**
 * Process helpers for the emulator launcher: liveness that treats zombies as
 * dead, process start times (to tell a pid from a later process that reused
 * it), and a polite-then-firm terminate.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Fields of `/proc/<pid>/stat` after the command name, or undefined off Linux or when the process is gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * True when a process with this pid exists and has not exited. A zombie (an
 * exited process its parent has not reaped yet, common for orphans in
 * containers whose init does not reap) counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.[0] !== 'Z';
}

/**
 * When the process started, in clock ticks since boot (Linux), or undefined
 * when unknown. Equal pids with different start times are different processes.
 */
export function processStartTime(pid: number): string | undefined {
  // Field 22 of /proc/<pid>/stat; index 19 once the first two fields are cut off.
  return procStat(pid)?.[19];
}

/** True when the process runs a moto server (by its command line on Linux; any live process elsewhere). */
export function isMotoProcess(pid: number): boolean {
  try {
    return isAlive(pid) && /moto_server|moto_launcher\.py/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return isAlive(pid);
  }
}

/** Waits until the process is gone. @returns false when it still runs after `timeoutMs` */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Stops a process: SIGTERM, then SIGKILL when it is still there after `graceMs`. */
export async function terminate(pid: number, graceMs = 5_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForExit(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 2_000);
}
