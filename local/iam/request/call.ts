/** A request the proxy has read: who signed it, and which operation it calls with which parameters. */
import type { Protocol } from '../services.js';
import type { Credential } from './credential.js';

/** One AWS API call, as parsed from the wire. */
export interface ParsedCall {
  credential: Credential;
  /** The signing name, e.g. `s3`, `states`. */
  service: string;
  /** The protocol the request used (decides how a denial is answered). */
  protocol: Protocol;
  /** The API operation, e.g. `PutObject`, `GetItem`. */
  operation: string;
  /** The operation's parameters, named as in the SDK's input shapes where the wire allows. */
  params: Record<string, unknown>;
}
