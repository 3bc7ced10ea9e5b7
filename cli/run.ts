/** Runs the `haven` command line once: parses, runs, and sets the exit code (docs/CLI.md). */
import { reportError } from './output.js';
import { buildProgram } from './program.js';

/**
 * @param argv - the process's arguments (`process.argv`: the Node.js binary and script first)
 */
export async function runHaven(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
