/**
 * Resolves CloudFormation intrinsic functions in a template value, given the
 * physical ids and attributes of the resources already created: `Ref`,
 * `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If`
 * (with the template's conditions), `Fn::Equals`/`Not`/`And`/`Or` and the
 * pseudo parameters. Anything else is an error naming it.
 */
import { LocalStackError } from '../node-version.js';

/** A value could not be resolved. */
export class UnresolvableValueError extends LocalStackError {
  override readonly name = 'UnresolvableValueError';
}

/** What resolution needs. */
export interface ResolveScope {
  account: string;
  region: string;
  stackName: string;
  /** `Ref` of a resource (undefined: not created yet). */
  ref(logicalId: string): string | undefined;
  /** `Fn::GetAtt` of a resource. */
  attribute(logicalId: string, name: string): unknown;
  /** Template parameters' values. */
  parameters?: Readonly<Record<string, unknown>>;
  /** Template conditions (already evaluated or raw). */
  conditions?: Readonly<Record<string, unknown>>;
}

function pseudo(scope: ResolveScope, name: string): string | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return scope.account;
    case 'AWS::Region':
      return scope.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${scope.region}:${scope.account}:stack/${scope.stackName}/local`;
    case 'AWS::NoValue':
      return undefined;
    default:
      return undefined;
  }
}

/** Marks `Ref: AWS::NoValue` so object properties holding it are dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves `value`.
 *
 * @throws UnresolvableValueError for an unknown function or a reference to a resource not created yet
 */
export function resolve(value: unknown, scope: ResolveScope): unknown {
  const out = resolveInner(value, scope);
  return out === NO_VALUE ? undefined : out;
}

function resolveInner(value: unknown, scope: ResolveScope): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveInner(v, scope)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') return intrinsic(key, arg, scope);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const resolved = resolveInner(v, scope);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableValueError(`${what} resolved to ${JSON.stringify(value)}, not a string`);
}

function condition(name: string, scope: ResolveScope): boolean {
  const raw = scope.conditions?.[name];
  if (raw === undefined) throw new UnresolvableValueError(`no condition named ${name}`);
  return Boolean(resolveInner(raw, scope));
}

function intrinsic(key: string, arg: unknown, scope: ResolveScope): unknown {
  switch (key) {
    case 'Ref': {
      const name = asString(arg, 'Ref');
      if (name === 'AWS::NoValue') return NO_VALUE;
      if (name.startsWith('AWS::')) return pseudo(scope, name);
      if (scope.parameters && name in scope.parameters) return scope.parameters[name];
      const ref = scope.ref(name);
      if (ref === undefined) throw new UnresolvableValueError(`Ref ${name}: no such resource created yet`);
      return ref;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : asString(arg, 'Fn::GetAtt').split(/\.(.*)/s);
      const out = scope.attribute(logicalId!, attribute!);
      if (out === undefined) throw new UnresolvableValueError(`Fn::GetAtt ${logicalId}.${attribute}: unknown`);
      return out;
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown];
      const list = resolveInner(parts, scope);
      if (!Array.isArray(list)) throw new UnresolvableValueError('Fn::Join needs a list');
      return list.map((p) => asString(p, 'Fn::Join part')).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolveInner(list, scope);
      if (!Array.isArray(items)) throw new UnresolvableValueError('Fn::Select needs a list');
      return items[Number(resolveInner(index, scope))];
    }
    case 'Fn::Split': {
      const [separator, text] = arg as [string, unknown];
      return asString(resolveInner(text, scope), 'Fn::Split').split(separator);
    }
    case 'Fn::Sub': {
      const [template, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      const bound = resolveInner(vars, scope) as Record<string, unknown>;
      return template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in bound) return asString(bound[name], `Fn::Sub \${${name}}`);
        if (name.startsWith('AWS::')) return asString(pseudo(scope, name), name);
        if (name.includes('.')) {
          const [id, att] = name.split(/\.(.*)/s) as [string, string];
          return asString(scope.attribute(id, att), `Fn::Sub \${${name}}`);
        }
        return asString(intrinsic('Ref', name, scope), `Fn::Sub \${${name}}`);
      });
    }
    case 'Fn::If': {
      const [name, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return resolveInner(condition(name, scope) ? whenTrue : whenFalse, scope);
    }
    case 'Condition':
      return condition(asString(arg, 'Condition'), scope);
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map((v) => resolveInner(v, scope));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !(resolveInner((arg as unknown[])[0], scope) as boolean);
    case 'Fn::And':
      return (arg as unknown[]).every((v) => Boolean(resolveInner(v, scope)));
    case 'Fn::Or':
      return (arg as unknown[]).some((v) => Boolean(resolveInner(v, scope)));
    default:
      throw new UnresolvableValueError(`the local cloud cannot resolve ${key}`);
  }
}

/** The logical ids a value refers to (Ref, GetAtt, and `${Id}`/`${Id.Att}` in Fn::Sub). */
export function references(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, arg] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof arg === 'string' && !arg.startsWith('AWS::')) out.add(arg);
      else if (key === 'Fn::GetAtt') out.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = typeof arg === 'string' ? arg : (arg as [string])[0];
        for (const m of text.matchAll(/\$\{([^}!.][^}.]*)(\.[^}]*)?\}/g)) if (!m[1]!.startsWith('AWS::')) out.add(m[1]!);
        if (Array.isArray(arg)) references(arg[1], out);
      } else references(arg, out);
    }
  }
  return out;
}
