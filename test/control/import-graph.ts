/**
 * The import graph of Haven's folders, read from the sources as text: each
 * relative import of a `.ts` file under `vault/`, `sources/` or `control/`
 * is an edge between the folders ("units") of the two files. A unit is a
 * top-level subfolder (`control/notifications`, `vault/repository`) or a
 * file directly under a root (`control/env.ts`). ESLint holds the roots'
 * direction (eslint.config.js); this finds cycles between units.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** The folders whose units may not import each other in a cycle. */
export const ROOTS = ['vault', 'sources', 'control'] as const;

/** One import between two units, as written. */
export interface UnitImport {
  file: string;
  specifier: string;
}

/** Unit → imported unit → the imports that make the edge. */
export type UnitGraph = Map<string, Map<string, UnitImport[]>>;

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The unit of a repository-relative path, or undefined outside the roots. */
export function unitOf(path: string): string | undefined {
  const parts = path.split('/');
  if (!(ROOTS as readonly string[]).includes(parts[0] ?? '')) return undefined;
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path;
}

/** The relative import specifiers of a TypeScript source (comments left out). */
export function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(RELATIVE_IMPORT)].map((match) => match[1]!);
}

/**
 * Builds the unit graph of some files.
 * @param files - repository-relative path → source text
 */
export function unitGraph(files: ReadonlyMap<string, string>): UnitGraph {
  const graph: UnitGraph = new Map();
  for (const [file, source] of files) {
    const from = unitOf(file);
    if (!from) continue;
    for (const specifier of relativeImports(source)) {
      const to = unitOf(normalize(join(dirname(file), specifier)).split('\\').join('/'));
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, UnitImport[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), { file, specifier }]);
    }
  }
  return graph;
}

/** Strongly connected components of more than one unit (Tarjan). */
function cyclicComponents(graph: UnitGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (unit: string): void => {
    index.set(unit, index.size);
    low.set(unit, index.get(unit)!);
    stack.push(unit);
    onStack.add(unit);
    for (const next of graph.get(unit)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(unit, Math.min(low.get(unit)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(unit, Math.min(low.get(unit)!, index.get(next)!));
      }
    }
    if (low.get(unit) !== index.get(unit)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== unit);
    if (component.length > 1) components.push(component.sort());
  };
  for (const unit of [...graph.keys()].sort()) if (!index.has(unit)) visit(unit);
  return components;
}

/** A shortest cycle through `start` inside `members` (breadth-first). */
function cycleThrough(graph: UnitGraph, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const unit = queue.shift()!;
    for (const next of graph.get(unit)?.keys() ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [unit];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, unit);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * The import cycles between units, one line each: the units around the
 * cycle, each step with one import that makes it.
 */
export function describeCycles(graph: UnitGraph): string[] {
  return cyclicComponents(graph).map((component) => {
    const path = cycleThrough(graph, component[0]!, new Set(component));
    const steps = path.slice(1).map((to, i) => {
      const example = graph.get(path[i]!)!.get(to)![0]!;
      return `→ ${to} (${example.file} imports ${example.specifier})`;
    });
    const others = component.filter((unit) => !path.includes(unit));
    return `${path[0]} ${steps.join(' ')}${others.length > 0 ? `; also in the cycle: ${others.join(', ')}` : ''}`;
  });
}

/** Every `.ts` file under the roots of `repository`, by repository-relative path. */
export function readSources(repository: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.set(relative(repository, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  for (const root of ROOTS) walk(join(repository, root));
  return files;
}
