/**
 * SigV4 signing of API requests for API Gateway's IAM authorization
 * (service `execute-api`), with credentials from the default provider
 * chain (environment, shared config and SSO profiles, container and
 * instance roles).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The service name API Gateway checks signatures for. */
export const EXECUTE_API = 'execute-api';

/** A request about to be sent. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds authentication headers to a request. */
export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** Options of {@link sigv4Signer}. */
export interface SignerOptions {
  region: string;
  /** The service signed for. @default execute-api */
  service?: string;
  /** Fixed credentials or a provider; the default chain when absent. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The signing clock (tests). */
  now?: () => Date;
}

/**
 * @param options - region and credentials
 * @returns a signer that returns the request's headers plus `authorization`,
 *   `x-amz-date` and (with temporary credentials)
 *   `x-amz-security-token`
 */
export function sigv4Signer(options: SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    service: options.service ?? EXECUTE_API,
    region: options.region,
    credentials: options.credentials ?? fromNodeProviderChain(),
    sha256: Sha256,
    // The payload hash is part of the signature either way; API Gateway needs no x-amz-content-sha256 header.
    applyChecksum: false,
  });
  return async (request) => {
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of request.url.searchParams) {
      const prior = query[key];
      query[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
    }
    const unsigned = new HttpRequest({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname || '/',
      query,
      headers: { ...request.headers, host: request.url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const signed = await signer.sign(unsigned, options.now ? { signingDate: options.now() } : {});
    return signed.headers;
  };
}
