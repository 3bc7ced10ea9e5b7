/** A progress bar for a running record, drawn from the catalog as the workflow updates it. */
import type { TrackedFields } from '../../control/catalog/types.js';

/** Polls `read` until the record ends, drawing its progress; returns when `done` settles. */
export async function followProgress(label: string, read: () => Promise<TrackedFields | undefined>, done: Promise<unknown>): Promise<void> {
  const tty = process.stdout.isTTY;
  let finished = false;
  void done.finally(() => (finished = true));
  let lastLine = '';
  const draw = (record: TrackedFields | undefined) => {
    const progress = record?.progress ?? 0;
    const width = 30;
    const filled = Math.round((progress / 100) * width);
    const line = `${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(progress).padStart(3)}% ${record?.phase ?? 'starting'}`;
    if (tty) process.stdout.write(`\r${line}\x1b[K`);
    else if (line !== lastLine) process.stdout.write(`${line}\n`);
    lastLine = line;
  };
  while (!finished) {
    draw(await read().catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  draw(await read().catch(() => undefined));
  if (tty) process.stdout.write('\n');
}
