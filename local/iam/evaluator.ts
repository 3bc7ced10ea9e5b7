/**
 * Evaluates one authorization request the way IAM does, with
 * @cloud-copilot/iam-simulate: the principal's identity policies, the
 * resource's policy from the world (KMS key policies by key ARN; an S3
 * bucket policy for the bucket and all its objects; any other resource
 * policy by the resource ARN), explicit denies first.
 *
 * LICENSE: @cloud-copilot/iam-simulate is AGPL-3.0-or-later. It is a
 * devDependency of the local stack only: nothing under vault/, sources/, control/ or
 * functions/ (nothing that ships in a Lambda bundle) may ever import it,
 * this module, or anything under local/iam/.
 *
 * Global condition keys always supplied: `aws:SecureTransport=true` (the
 * hop from the SDK to the proxy is plain HTTP on loopback; it stands for the
 * TLS every real call uses, or every TLS-only bucket policy would deny),
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:RequestedRegion`. Time
 * keys (`aws:CurrentTime`, `aws:EpochTime`) are not supplied: no Haven policy
 * uses them, and they would defeat the decision cache.
 */
import { getDenialReasons, runSimulation, type RequestAnalysis, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import { Arn, bucketOfArn } from './arns.js';
import { CheckResult, type AuthorizationRequest, type Check, type IamWorld, type PolicyDocument, type Principal } from './types.js';

/** How many decisions the cache keeps before dropping the oldest. */
const CACHE_LIMIT = 20_000;

/** Counters for measuring the evaluator's cost. */
export interface EvaluatorStats {
  /** Requests answered. */
  requests: number;
  /** Requests answered from the cache. */
  cacheHits: number;
  /** Milliseconds spent in iam-simulate (cache misses only). */
  simulateMs: number;
}

const WILDCARD = /[*?]/;

/** The clause AWS puts after "... on resource: <arn>" for a denial. */
function denialReason(action: string, analysis: RequestAnalysis): string {
  const denials = getDenialReasons(analysis);
  const explicit = denials.find((d) => d.denialType === 'Explicit');
  const where = (type: string) =>
    ({ identity: 'an identity-based policy', resource: 'a resource-based policy', scp: 'a service control policy', rcp: 'a resource control policy', pb: 'a permissions boundary', vpce: 'a VPC endpoint policy', 's3-bpa': 'S3 Block Public Access settings' })[type] ?? `a ${type} policy`;
  if (explicit) return `with an explicit deny in ${where(explicit.policyType)}`;
  const implicit = denials.find((d) => d.policyType === 'resource') ?? denials[0];
  return implicit?.policyType === 'resource' ? `because no resource-based policy allows the ${action} action` : `because no identity-based policy allows the ${action} action`;
}

/** Evaluates authorization requests against a world, caching decisions. */
export class IamEvaluator {
  private readonly cache = new Map<string, Check>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly counters: EvaluatorStats = { requests: 0, cacheHits: 0, simulateMs: 0 };

  constructor(private readonly world: IamWorld) {}

  /** The resource policy that applies to `resource`, read from the world on every call (its maps may grow). */
  resourcePolicyFor(resource: string): PolicyDocument | undefined {
    const exact = this.world.resourcePolicies.get(resource);
    if (exact) return exact;
    const bucket = bucketOfArn(resource);
    return bucket === undefined ? undefined : this.world.resourcePolicies.get(Arn.bucket(bucket));
  }

  /** Counters since the evaluator was made. */
  stats(): EvaluatorStats {
    return { ...this.counters };
  }

  /**
   * The outcome of one request by `principal`, signed for `region`. Never
   * throws: a request iam-simulate cannot evaluate exactly comes back as
   * {@link CheckResult.Error} with the reason.
   */
  async evaluate(principal: Principal, request: AuthorizationRequest, region: string): Promise<Check> {
    this.counters.requests++;
    const resourcePolicy = this.resourcePolicyFor(request.resource);
    const key = JSON.stringify([
      this.idOf(principal.policies),
      principal.arn,
      resourcePolicy ? this.idOf(resourcePolicy) : 0,
      region,
      request.action,
      request.resource,
      Object.entries(request.context).sort(([a], [b]) => (a < b ? -1 : 1)),
    ]);
    const cached = this.cache.get(key);
    if (cached) {
      this.counters.cacheHits++;
      return { ...cached, request };
    }
    const started = performance.now();
    const check = await this.simulate(principal, request, region, resourcePolicy);
    this.counters.simulateMs += performance.now() - started;
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, check);
    return check;
  }

  private idOf(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
    }
    return id;
  }

  private async simulate(principal: Principal, request: AuthorizationRequest, region: string, resourcePolicy: PolicyDocument | undefined): Promise<Check> {
    if (request.resource !== '*' && WILDCARD.test(request.resource)) {
      return {
        request,
        result: CheckResult.Error,
        message:
          `because the resource ARN contains '*' or '?' (an S3 key may): the local IAM proxy cannot evaluate it ` +
          `as the literal ARN AWS checks (the evaluator would treat it as a pattern), so it is denied`,
      };
    }
    const principalAccount = principal.arn.split(':')[4] ?? this.world.accountId;
    let outcome: RunSimulationResults;
    try {
      outcome = await runSimulation(
        {
          request: {
            principal: principal.arn,
            action: request.action,
            resource: { resource: request.resource, accountId: this.world.accountId },
            contextVariables: {
              'aws:SecureTransport': 'true',
              'aws:PrincipalArn': principal.arn,
              'aws:PrincipalAccount': principalAccount,
              'aws:RequestedRegion': region,
              ...(request.context as Record<string, string | string[]>),
            },
          },
          identityPolicies: principal.policies.map((policy, i) => ({ name: `${principal.arn}#${i}`, policy })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          ...(resourcePolicy ? { resourcePolicy } : {}),
        },
        {},
      );
    } catch (error) {
      return { request, result: CheckResult.Error, message: `because the local IAM evaluator failed: ${(error as Error).message}` };
    }
    if (outcome.resultType === 'error') {
      return { request, result: CheckResult.Error, message: `because the local IAM evaluator rejected the request (${outcome.errors.message}${detail(outcome.errors)})` };
    }
    if (outcome.resultType === 'wildcard') {
      return { request, result: CheckResult.Error, message: `because the evaluator treated ${request.resource} as a wildcard pattern; the local IAM proxy denies it` };
    }
    if (outcome.overallResult === 'Allowed') return { request, result: CheckResult.Allowed };
    return { request, result: outcome.overallResult, message: denialReason(request.action, outcome.result.analysis) };
  }
}

function detail(errors: object): string {
  const rest = Object.entries(errors).filter(([k]) => k !== 'message');
  return rest.length > 0 ? `: ${JSON.stringify(Object.fromEntries(rest))}` : '';
}
