/**
 * Loads the ASL files in `statemachines/` the way CDK does: the same JSON,
 * with `${Key}` placeholders replaced by definition substitutions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../emulator/paths.js';
import { LocalStackError } from '../node-version.js';

/** A state machine definition (JSONPath ASL). */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

/** The parts of a state the runner looks at. */
export interface AslState {
  Type: string;
  Resource?: string;
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  Branches?: AslDefinition[];
  [key: string]: unknown;
}

/** A placeholder in a definition has no substitution. */
export class UnresolvedSubstitutionError extends LocalStackError {
  override readonly name = 'UnresolvedSubstitutionError';
}

/** Every `${Key}` placeholder used in an ASL text. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))];
}

/**
 * Reads `statemachines/<name>.asl.json` and applies substitutions.
 * @throws UnresolvedSubstitutionError when a placeholder has no value
 */
export function loadDefinition(name: string, substitutions: Readonly<Record<string, string>>): AslDefinition {
  const text = readFileSync(join(repoRoot, 'statemachines', `${name}.asl.json`), 'utf8');
  const missing = placeholders(text).filter((key) => !(key in substitutions));
  if (missing.length > 0) throw new UnresolvedSubstitutionError(`${name}.asl.json uses \${${missing.join('}, ${')}} with no substitution`);
  return JSON.parse(text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => substitutions[key]!)) as AslDefinition;
}

/** Every state, including those inside Map and Parallel states, with its name. */
export function allStates(definition: AslDefinition): Array<{ name: string; state: AslState }> {
  const out: Array<{ name: string; state: AslState }> = [];
  for (const [name, state] of Object.entries(definition.States)) {
    out.push({ name, state });
    const nested = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].filter((d): d is AslDefinition => Boolean(d));
    for (const inner of nested) out.push(...allStates(inner));
  }
  return out;
}

/** Every Task state with its resource. */
export function taskStates(definition: AslDefinition): Array<{ name: string; resource: string }> {
  return allStates(definition)
    .filter(({ state }) => state.Type === 'Task' && state.Resource)
    .map(({ name, state }) => ({ name, resource: state.Resource! }));
}

/** Names of states that have a Retry field. */
export function statesWithRetry(definition: AslDefinition): string[] {
  return allStates(definition)
    .filter(({ state }) => Array.isArray(state.Retry))
    .map(({ name }) => name);
}
