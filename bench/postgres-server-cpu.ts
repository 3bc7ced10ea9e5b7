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
  /** cutime + cstime: the reaped children's share of `ticks`. */
  reaped: number;
}

/** Readings retried while children were reaped during one. */
const MAX_READINGS = 10;

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14 … cstime 17.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const reaped = Number(fields[13]) + Number(fields[14]);
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + reaped, reaped };
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
 * A backend reaped while its siblings are being read would be in neither the
 * postmaster's reaped time read before nor among the children (a whole
 * `pg_dump` session's CPU was lost that way, reading 0.02 s), so a reading
 * during which the postmaster reaped a child is taken again.
 * @param postmaster - the postmaster's pid (the parent of any backend's `pg_backend_pid()`)
 */
export function serverCpuSeconds(postmaster: number): number {
  for (let reading = 1; ; reading++) {
    const own = procStat(postmaster);
    if (!own) throw new Error(`the PostgreSQL postmaster ${postmaster} is not running`);
    let ticks = own.ticks;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = procStat(entry);
      if (stat?.ppid === postmaster) ticks += stat.ticks;
    }
    if (procStat(postmaster)?.reaped === own.reaped || reading === MAX_READINGS) return ticks / TICKS_PER_SECOND;
  }
}
