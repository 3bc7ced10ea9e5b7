/**
 * CPU time the PostgreSQL server spends, read from /proc: the postmaster's
 * own time, the time of the children it has reaped (`cutime` + `cstime`:
 * every backend that served a session which has ended), and the time of its
 * children still running (background workers, backends still open). The
 * difference between two readings is what the server spent in between,
 * whichever sessions did it. Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc's CPU times. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, ticks. */
  ticks: number;
}

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14 … cstime 17.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined; // the process ended
  }
}

/** The parent of a process (a backend's parent is the postmaster). */
export function parentPid(pid: number): number {
  const stat = procStat(pid);
  if (!stat) throw new Error(`process ${pid} is not running`);
  return stat.ppid;
}

/**
 * CPU seconds the server (the postmaster and every process under it) has used so far.
 * @param postmaster - the postmaster's pid (the parent of any backend's `pg_backend_pid()`)
 */
export function serverCpuSeconds(postmaster: number): number {
  const own = procStat(postmaster);
  if (!own) throw new Error(`the PostgreSQL postmaster ${postmaster} is not running`);
  let ticks = own.ticks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (stat?.ppid === postmaster) ticks += stat.ticks;
  }
  return ticks / TICKS_PER_SECOND;
}
