/** Asking before destructive commands (skipped with `--yes`). */
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../api/errors.js';

/**
 * @param question - what to ask (a y/N question)
 * @param yes - `--yes` was given
 * @returns whether to go ahead
 * @throws UsageError when there is no terminal to ask on and no `--yes`
 */
export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/\?$/, '')}: refusing without a terminal to confirm on; pass --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
