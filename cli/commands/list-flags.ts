/** `--limit`, `--all` and `--cursor`, shared by every list command. */
import type { Command } from 'commander';
import { positiveInt } from './context.js';

/** Values of the list flags. */
export interface ListFlags {
  limit?: number;
  all?: boolean;
  cursor?: string;
}

/** Adds the list flags to a command. */
export function listOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (API default 50, at most 1000)', positiveInt('--limit'))
    .option('--all', 'follow next_cursor through every page')
    .option('--cursor <cursor>', 'start at this next_cursor from an earlier page');
}
