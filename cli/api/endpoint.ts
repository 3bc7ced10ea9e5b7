/**
 * Where the CLI sends requests and whether it signs them: `--endpoint`, else
 * `HAVEN_ENDPOINT`, else the local API at http://127.0.0.1:3000. Requests are
 * signed with SigV4 when the endpoint is not on this machine, or always with
 * `--sigv4`.
 */
import { isIP } from 'node:net';
import { UsageError } from './errors.js';

/** The local API's address when nothing else is given. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

/** How the CLI reaches the API. */
export interface EndpointSettings {
  /** Base URL, without a trailing slash (may carry a stage path: `https://…/prod`). */
  url: URL;
  /** Whether requests are SigV4-signed. */
  sign: boolean;
  /** The region requests are signed for. */
  region: string;
}

/** Options that pick the endpoint, from flags. */
export interface EndpointOptions {
  endpoint?: string;
  region?: string;
  sigv4?: boolean;
}

/**
 * @param hostname - a URL's hostname
 * @returns whether it names this machine (localhost, 127.0.0.0/8, ::1)
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/**
 * @param hostname - an API Gateway hostname (`abc.execute-api.eu-west-1.amazonaws.com`)
 * @returns the region in it, if any
 */
export function regionFromHost(hostname: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(hostname)?.[1];
}

/**
 * Resolves the endpoint, signing and region from flags and environment.
 *
 * @param options - `--endpoint`, `--region`, `--sigv4`
 * @param env - the environment (`HAVEN_ENDPOINT`, `AWS_REGION`, `AWS_DEFAULT_REGION`)
 * @throws UsageError when the endpoint is not an http(s) URL
 */
export function resolveEndpoint(options: EndpointOptions, env: NodeJS.ProcessEnv = process.env): EndpointSettings {
  const raw = options.endpoint ?? env.HAVEN_ENDPOINT ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as ${DEFAULT_ENDPOINT}, not '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be http:// or https://, not ${url.protocol}`);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? regionFromHost(url.hostname) ?? 'us-east-1';
  return { url, sign: options.sigv4 === true || !isLoopback(url.hostname), region };
}
