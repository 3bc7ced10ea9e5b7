/**
 * What every API command shares: the connection options on the program
 * (`--endpoint`, `--region`, `--sigv4`, `--verbose`), the client built from
 * them, `--json`, and the `--wait` options.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiClient } from '../api/client.js';
import { resolveEndpoint, type EndpointOptions } from '../api/endpoint.js';
import { sigv4Signer } from '../api/sigv4.js';

/** Options every API command reads from the program. */
export interface GlobalOptions extends EndpointOptions {
  verbose?: boolean;
}

/** Adds the connection options to the program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--endpoint <url>', 'Haven API base URL (env HAVEN_ENDPOINT; default http://127.0.0.1:3000)')
    .option('--region <region>', 'region to sign requests for (env AWS_REGION; default from the endpoint host)')
    .option('--sigv4', 'sign requests with SigV4 even for a loopback endpoint')
    .option('--verbose', 'log requests and retries on stderr');
}

/**
 * @param command - the running command
 * @returns an API client for the endpoint the options name
 */
export function clientFor(command: Command): ApiClient {
  const options = command.optsWithGlobals<GlobalOptions>();
  const endpoint = resolveEndpoint(options);
  const verbose = options.verbose === true;
  if (verbose) process.stderr.write(`endpoint ${endpoint.url.href}${endpoint.sign ? ` (SigV4, ${endpoint.region})` : ''}\n`);
  return new ApiClient({
    baseUrl: endpoint.url,
    ...(endpoint.sign ? { signer: sigv4Signer({ region: endpoint.region }) } : {}),
    ...(verbose ? { onRetry: (r) => process.stderr.write(`retry ${r.attempt} of ${r.request} in ${r.delayMs} ms (${r.reason})\n`) } : {}),
  });
}

/** Parses a positive whole number flag. */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

/** Parses a duration flag: `90`, `90s`, `15m`, `2h` (seconds when bare). */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('a duration is a number with s, m or h (90s, 15m, 2h)');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * unit);
}

/** `--json`. */
export function jsonOption(command: Command): Command {
  return command.option('--json', 'print the API response as JSON');
}

/** `--wait`, `--timeout` and `--poll-interval`. */
export interface WaitFlags {
  wait?: boolean;
  timeout: number;
  pollInterval: number;
  json?: boolean;
}

/** Adds `--wait`, `--timeout` and `--poll-interval` to a command. */
export function waitOptions(command: Command, what: string): Command {
  return command
    .option('--wait', `wait until the ${what} ends, showing progress; exit 0 only when it completed`)
    .addOption(new Option('--timeout <duration>', 'with --wait: give up after this long (exit 7)').argParser(parseDuration).default(3_600_000, '1h'))
    .addOption(new Option('--poll-interval <duration>', 'with --wait: first poll interval (backs off to 10s)').argParser(parseDuration).default(1_000, '1s'));
}
