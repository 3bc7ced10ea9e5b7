/**
 * Which tables a PostgreSQL job backs up: `schemas` / `exclude_schemas`
 * globs over schema names, and `tables` / `exclude_tables` globs over table
 * names (a pattern with a `.` matches `schema.table`, one without matches
 * the bare table name, so `temp_*` excludes `temp_x` in every schema).
 * Empty include lists mean everything; system schemas are never selected.
 */
import { compileGlob, type GlobMatcher } from '../glob.js';

/** The selection part of a PostgreSQL source configuration. */
export interface TableSelection {
  schemas?: string[];
  exclude_schemas?: string[];
  tables?: string[];
  exclude_tables?: string[];
}

/** A compiled selection. */
export type TableFilter = (schema: string, table: string) => boolean;

function compile(patterns: string[] | undefined): GlobMatcher[] {
  return (patterns ?? []).map(compileGlob);
}

function tableMatches(matchers: GlobMatcher[], schema: string, table: string): boolean {
  return matchers.some((m) => m.matches(m.pattern.includes('.') ? `${schema}.${table}` : table));
}

/**
 * Compiles a selection.
 * @throws InvalidSourceConfigError for an invalid glob
 */
export function tableFilter(selection: TableSelection): TableFilter {
  const schemas = compile(selection.schemas);
  const excludeSchemas = compile(selection.exclude_schemas);
  const tables = compile(selection.tables);
  const excludeTables = compile(selection.exclude_tables);
  return (schema, table) =>
    (schemas.length === 0 || schemas.some((m) => m.matches(schema))) &&
    !excludeSchemas.some((m) => m.matches(schema)) &&
    (tables.length === 0 || tableMatches(tables, schema, table)) &&
    !tableMatches(excludeTables, schema, table);
}
