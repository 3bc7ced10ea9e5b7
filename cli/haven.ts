#!/usr/bin/env node
/**
 * The `haven` command line. Exit codes are listed in docs/CLI.md and
 * `cli/api/exit-codes.ts`.
 */
import { reportError } from './output.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
