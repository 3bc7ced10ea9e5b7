/**
 * Diagnostic: runs a Haven step (`backup` or `restore`, same flags as
 * `haven-step.ts`) in this process and prints CPU seconds per thread name
 * (from `/proc/self/task`) at the end, to see which thread limits a run.
 * Linux only. `node --import tsx bench/thread-cpu.ts backup --vault … --key … --input …`,
 * or, to measure the bundled code the bench runs (tsx costs about 0.5 s of
 * CPU more on a restore), `bundleThreadCpu(dir)` from `bundle.ts` and
 * `node DIR/thread-cpu.mjs restore --vault … --key … --out …` with
 * `HAVEN_MALLOC_ENV` set. Blob workers and V8's helper threads all show as
 * `node`, file I/O as `libuv-worker`.
 */
import { readdirSync, readFileSync } from 'node:fs';

const ticks = 100; // USER_HZ
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
      const key = tid === String(process.pid) ? 'main' : name;
      out.set(key, (out.get(key) ?? 0) + cpu);
    } catch {
      // the thread ended
    }
  }
  return out;
}

const started = performance.now();
const elu = performance.eventLoopUtilization();
let peak = new Map<string, number>();
const timer = setInterval(() => {
  const now = threadCpu();
  for (const [k, v] of now) if (v > (peak.get(k) ?? 0)) peak.set(k, v);
}, 200);
timer.unref();
process.on('exit', () => {
  clearInterval(timer);
  const now = threadCpu();
  for (const [k, v] of now) if (v > (peak.get(k) ?? 0)) peak.set(k, v);
  const wall = (performance.now() - started) / 1000;
  const rows = [...peak].map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' ');
  const busy = performance.eventLoopUtilization(elu).utilization;
  process.stderr.write(`[thread-cpu] wall ${wall.toFixed(2)} s; event loop ${(busy * 100).toFixed(0)}% busy; ${rows}\n`);
  peak = new Map();
});
await import('./haven-step.js');
