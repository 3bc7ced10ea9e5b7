/**
 * The `haven` command tree: the API commands (`jobs`, `backups`, `restores`,
 * `analytics`) and the vault commands, with usage errors turned into
 * CommanderErrors (exit 2) instead of process exits.
 */
import { Command } from 'commander';
import { analyticsCommand } from './commands/analytics.js';
import { backupsCommand } from './commands/backups.js';
import { addGlobalOptions } from './commands/context.js';
import { jobsCommand } from './commands/jobs.js';
import { restoresCommand } from './commands/restores.js';
import { vaultCommand } from './vault/commands.js';
import { HAVEN_VERSION } from './version.js';

/** Builds the whole command tree. */
export function buildProgram(): Command {
  const program = addGlobalOptions(new Command('haven').description('Haven: encrypted, deduplicated backups for AWS').version(HAVEN_VERSION).showHelpAfterError());
  for (const command of [jobsCommand(), backupsCommand(), restoresCommand(), analyticsCommand(), vaultCommand()]) program.addCommand(command);
  // Usage errors end as a CommanderError that reportError maps to exit 2.
  const overrideExit = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(overrideExit);
  };
  overrideExit(program);
  return program;
}
