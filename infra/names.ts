/**
 * The account-wide names a Haven stack claims: its KMS key aliases and its
 * EventBridge Scheduler group. They are unique per account and region, so
 * they derive from the stack's name (two Haven stacks side by side get
 * different ones), and this file is their one owner: the constructs, the
 * functions' environment and the scheduler roles' policies all read the
 * value the stack settled from here.
 *
 * The stack name is lower-cased, so the default stack `Haven` keeps the
 * names earlier releases used (`alias/haven-vault`, `alias/haven-catalog`,
 * group `haven`): renaming a schedule group would replace it, and with it
 * every job schedule the API created in it. Two stacks whose names differ
 * only in case would collide; give one of them explicit names (props).
 */
import { InvalidPropsError } from './errors.js';

/** The names one stack claims. */
export interface HavenNames {
  /** The vault key's alias, `alias/<stack>-vault`. */
  readonly vaultKeyAlias: string;
  /** The catalog key's alias, `alias/<stack>-catalog`. */
  readonly catalogKeyAlias: string;
  /** The schedule group, `<stack>`. */
  readonly scheduleGroupName: string;
}

/** EventBridge Scheduler's limits on a group name. */
const SCHEDULE_GROUP = /^[0-9a-zA-Z._-]{1,64}$/;
/** KMS's limits on an alias name (`alias/aws/` is AWS's). */
const KEY_ALIAS = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;

/**
 * The names a stack claims, each overridable.
 *
 * @param stackName - the stack's name (CloudFormation's: letters, digits, hyphens)
 * @param overrides - names given explicitly (stack props)
 * @returns the names
 * @throws InvalidPropsError when a name breaks its service's rules (a stack name over 64 characters needs an explicit schedule group name)
 */
export function havenNames(stackName: string, overrides: Partial<HavenNames> = {}): HavenNames {
  const base = stackName.toLowerCase();
  const names: HavenNames = {
    vaultKeyAlias: overrides.vaultKeyAlias ?? `alias/${base}-vault`,
    catalogKeyAlias: overrides.catalogKeyAlias ?? `alias/${base}-catalog`,
    scheduleGroupName: overrides.scheduleGroupName ?? base,
  };
  for (const alias of [names.vaultKeyAlias, names.catalogKeyAlias]) {
    if (!KEY_ALIAS.test(alias)) throw new InvalidPropsError(`${JSON.stringify(alias)} is not a usable KMS alias (alias/ then letters, digits, /, _ or -; not alias/aws/)`);
  }
  if (!SCHEDULE_GROUP.test(names.scheduleGroupName)) {
    throw new InvalidPropsError(`${JSON.stringify(names.scheduleGroupName)} is not a usable schedule group name (1-64 letters, digits, ., _ or -); set scheduleGroupName`);
  }
  return names;
}
