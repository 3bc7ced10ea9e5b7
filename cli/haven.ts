#!/usr/bin/env node
/**
 * The `haven` command line, run from a checkout (`npm run haven`). The
 * installed command's entry is cli/bin.ts. Exit codes are listed in
 * docs/CLI.md and `cli/api/exit-codes.ts`.
 */
import { runHaven } from './run.js';

await runHaven(process.argv);
