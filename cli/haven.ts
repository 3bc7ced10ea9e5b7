#!/usr/bin/env node
/** The `haven` command line. */
import { Command } from 'commander';
import { reportError } from './output.js';
import { vaultCommand } from './vault/commands.js';

const program = new Command('haven').description('Haven: encrypted, deduplicated backups for AWS').showHelpAfterError();
program.addCommand(vaultCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
