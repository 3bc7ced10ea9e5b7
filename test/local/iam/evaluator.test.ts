import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { IamEvaluator } from '../../../local/iam/evaluator.js';
import { authorizationsFor } from '../../../local/iam/operations/index.js';
import { CheckResult, type AuthorizationRequest, type Principal } from '../../../local/iam/types.js';
import { ACCOUNT, REGION, ROLE_ARN, ROOT_KEY_POLICY, VAULT_KEY_ARN, allow, deny, policy, principal, world, type TestWorld } from './fixtures.js';

const scope = { region: REGION, accountId: ACCOUNT };
const requestsFor = (w: TestWorld, service: string, operation: string, params: Record<string, unknown>) => authorizationsFor(service, { operation, params, scope, world: w });
const evaluate = (w: TestWorld, who: Principal, request: AuthorizationRequest) => new IamEvaluator(w).evaluate(who, request, REGION);

describe('the IAM evaluator', () => {
  test('kms:EncryptionContext:<key> conditions work (the patch applied by postinstall): the matching context is allowed, another denied', async () => {
    // Prepare
    const w = world({ resourcePolicies: new Map([[VAULT_KEY_ARN, ROOT_KEY_POLICY]]) });
    const who = principal(policy(allow('kms:GenerateDataKey', VAULT_KEY_ARN, { StringEquals: { 'kms:EncryptionContext:vault': 'v1' } })));
    const gen = (vault: string | undefined) => requestsFor(w, 'kms', 'GenerateDataKey', { KeyId: VAULT_KEY_ARN, ...(vault ? { EncryptionContext: { vault } } : {}) })[0]!;

    // Act
    const matching = await evaluate(w, who, gen('v1'));
    const other = await evaluate(w, who, gen('v2'));
    const none = await evaluate(w, who, gen(undefined));

    // Assess
    assert.equal(matching.result, CheckResult.Allowed);
    assert.equal(other.result, CheckResult.ImplicitlyDenied);
    assert.equal(other.message, 'because no identity-based policy allows the kms:GenerateDataKey action');
    assert.equal(none.result, CheckResult.ImplicitlyDenied);
  });

  /** A world whose vault bucket is encrypted under the vault key, and a principal granted SSE-KMS through S3 as CDK grants it. */
  function sseKmsGrant() {
    const w = world({ resourcePolicies: new Map([[VAULT_KEY_ARN, ROOT_KEY_POLICY]]), bucketKeys: new Map([['vault', VAULT_KEY_ARN]]) });
    const who = principal(
      policy(
        allow('s3:PutObject', 'arn:aws:s3:::vault/*'),
        allow('kms:GenerateDataKey', VAULT_KEY_ARN, { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::vault' } }),
      ),
    );
    return { w, who };
  }

  test('S3 SSE-KMS context (kms:EncryptionContext:aws:s3:arn, kms:ViaService) as CDK grants it allows a PutObject through S3', async () => {
    // Prepare
    const { w, who } = sseKmsGrant();
    for (const request of requestsFor(w, 's3', 'PutObject', { Bucket: 'vault', Key: 'k' })) {
      // Act
      const check = await evaluate(w, who, request);

      // Assess
      assert.equal(check.result, CheckResult.Allowed, request.action);
    }
  });

  test('an SSE-KMS grant does not apply to a direct KMS call (no kms:ViaService)', async () => {
    // Prepare
    const { w, who } = sseKmsGrant();
    const direct = requestsFor(w, 'kms', 'GenerateDataKey', { KeyId: VAULT_KEY_ARN, EncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::vault' } })[0]!;

    // Act
    const check = await evaluate(w, who, direct);

    // Assess
    assert.equal(check.result, CheckResult.ImplicitlyDenied, 'without kms:ViaService the grant does not apply');
  });

  test('a key policy that does not delegate to the account denies a caller the identity policy allows', async () => {
    // Prepare
    const keyPolicy = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Other` }, Action: 'kms:*', Resource: '*' });
    const w = world({ resourcePolicies: new Map([[VAULT_KEY_ARN, keyPolicy]]) });

    // Act
    const check = await evaluate(w, principal(policy(allow('kms:Decrypt', VAULT_KEY_ARN))), { action: 'kms:Decrypt', resource: VAULT_KEY_ARN, context: {} });

    // Assess
    assert.equal(check.result, CheckResult.ImplicitlyDenied);
    assert.equal(check.message, 'because no resource-based policy allows the kms:Decrypt action');
  });

  test('an explicit deny wins over an allow', async () => {
    // Prepare
    const w = world();
    const who = principal(policy(allow('s3:*', '*')), policy(deny('s3:DeleteObject', 'arn:aws:s3:::vault/*')));

    // Act
    const check = await evaluate(w, who, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::vault/a', context: {} });
    const notDenied = await evaluate(w, who, { action: 's3:GetObject', resource: 'arn:aws:s3:::vault/a', context: {} });

    // Assess
    assert.equal(check.result, CheckResult.ExplicitlyDenied);
    assert.equal(check.message, 'with an explicit deny in an identity-based policy');
    assert.equal(notDenied.result, CheckResult.Allowed);
  });

  /** A world whose bucket `src` has a policy denying non-TLS access to all and PutObject to the role, and the role allowed Get, List and Put on it. */
  function bucketWithPolicy() {
    const w = world();
    const who = principal(policy(allow(['s3:GetObject', 's3:ListBucket', 's3:PutObject'], ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'])));
    w.resourcePolicies.set(
      'arn:aws:s3:::src',
      policy(
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: ['arn:aws:s3:::src', 'arn:aws:s3:::src/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Deny', Principal: { AWS: ROLE_ARN }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::src/*' },
      ),
    );
    return { evaluator: new IamEvaluator(w), who };
  }

  test("a bucket policy's TLS-only deny lets the bucket and its objects through, aws:SecureTransport standing for TLS", async () => {
    // Prepare
    const { evaluator, who } = bucketWithPolicy();

    // Act
    const get = await evaluator.evaluate(who, { action: 's3:GetObject', resource: 'arn:aws:s3:::src/x', context: {} }, REGION);
    const list = await evaluator.evaluate(who, { action: 's3:ListBucket', resource: 'arn:aws:s3:::src', context: {} }, REGION);

    // Assess
    assert.equal(get.result, CheckResult.Allowed);
    assert.equal(list.result, CheckResult.Allowed);
  });

  test("a bucket policy's deny wins over the identity policy's allow", async () => {
    // Prepare
    const { evaluator, who } = bucketWithPolicy();

    // Act
    const put = await evaluator.evaluate(who, { action: 's3:PutObject', resource: 'arn:aws:s3:::src/x', context: {} }, REGION);

    // Assess
    assert.equal(put.result, CheckResult.ExplicitlyDenied);
    assert.equal(put.message, 'with an explicit deny in a resource-based policy');
  });

  test('s3:prefix conditions: ListObjectsV2 under the prefix is allowed, another prefix and HeadBucket (no prefix) are denied', async () => {
    // Prepare
    const w = world();
    const who = principal(policy(allow('s3:ListBucket', 'arn:aws:s3:::vault', { StringLike: { 's3:prefix': ['haven-verify-*'] } })));
    const list = (params: Record<string, unknown>, operation = 'ListObjectsV2') => evaluate(w, who, requestsFor(w, 's3', operation, { Bucket: 'vault', ...params })[0]!);

    // Act
    const results = [(await list({ Prefix: 'haven-verify-1/' })).result, (await list({ Prefix: 'data/' })).result, (await list({})).result, (await list({}, 'HeadBucket')).result];

    // Assess
    assert.deepEqual(results, [CheckResult.Allowed, CheckResult.ImplicitlyDenied, CheckResult.ImplicitlyDenied, CheckResult.ImplicitlyDenied]);
  });

  test('an S3 key holding * or ? is an error, not a pattern: denied with the reason', async () => {
    // Prepare
    const w = world();
    const who = principal(policy(allow('s3:GetObject', 'arn:aws:s3:::vault/*')));
    for (const key of ['a*b', 'what?']) {
      // Act
      const check = await evaluate(w, who, { action: 's3:GetObject', resource: `arn:aws:s3:::vault/${key}`, context: {} });

      // Assess
      assert.equal(check.result, CheckResult.Error);
      assert.match(check.message!, /contains '\*' or '\?'/);
    }
    assert.equal((await evaluate(w, who, { action: 's3:GetObject', resource: 'arn:aws:s3:::vault/ab', context: {} })).result, CheckResult.Allowed);
  });

  test('caches decisions by principal, action, resource and context', async () => {
    // Prepare
    const w = world();
    const who = principal(policy(allow('s3:GetObject', 'arn:aws:s3:::late/*')));
    const other = principal(policy(allow('s3:*', '*')));
    const evaluator = new IamEvaluator(w);
    const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::late/k', context: {} };

    // Act
    const first = await evaluator.evaluate(who, request, REGION);
    const again = await evaluator.evaluate(who, { ...request, context: {} }, REGION);
    const stats = { requests: evaluator.stats().requests, cacheHits: evaluator.stats().cacheHits };
    const otherPrincipal = await evaluator.evaluate(other, { action: 's3:GetObject', resource: 'arn:aws:s3:::else/k', context: {} }, REGION);

    // Assess
    assert.equal(first.result, CheckResult.Allowed);
    assert.equal(again.result, CheckResult.Allowed);
    assert.deepEqual(stats, { requests: 2, cacheHits: 1 });
    assert.equal(otherPrincipal.result, CheckResult.Allowed);
  });

  test('reads the world live: a resource policy added after a decision applies', async () => {
    // Prepare
    const w = world();
    const who = principal(policy(allow('s3:GetObject', 'arn:aws:s3:::late/*')));
    const evaluator = new IamEvaluator(w);
    const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::late/k', context: {} };
    assert.equal((await evaluator.evaluate(who, request, REGION)).result, CheckResult.Allowed);

    // Act
    w.resourcePolicies.set('arn:aws:s3:::late', policy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::late/*' }));
    const check = await evaluator.evaluate(who, request, REGION);

    // Assess
    assert.equal(check.result, CheckResult.ExplicitlyDenied);
  });

  test('an invalid policy document is an error naming the problem, never an allow', async () => {
    // Prepare
    const w = world();
    const who = principal({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': [] } as unknown as string }] });

    // Act
    const check = await evaluate(w, who, { action: 's3:GetObject', resource: 'arn:aws:s3:::vault/a', context: {} });

    // Assess
    assert.equal(check.result, CheckResult.Error);
    assert.match(check.message!, /rejected/);
  });
});
