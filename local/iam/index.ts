/**
 * The local IAM proxy: authorizes every AWS call a local function makes
 * against its role's policies before it reaches the emulator.
 *
 * LICENSE: reaches @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency);
 * local tooling only, never imported from vault/, sources/, control/ or functions/.
 */
export { startIamProxy, type IamProxy, type IamProxyOptions } from './proxy.js';
export { IamEvaluator, type EvaluatorStats } from './evaluator.js';
export { OPERATION_MAP, authorizationsFor } from './operations/index.js';
export { parseRequest, needsBody } from './request/parse.js';
export { IamProxyError, ProxyOptionsError, RequestParseError, UnmappedOperationError, MissingParameterError, NoSuchAliasError, UnknownKeyError } from './errors.js';
export * from './types.js';
