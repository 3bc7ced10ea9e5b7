/** Typed errors of the local IAM proxy. */

/** Base class of every error the local IAM proxy raises. */
export class IamProxyError extends Error {
  override readonly name: string = 'IamProxyError';
}

/** `startIamProxy` was given options it cannot work with. */
export class ProxyOptionsError extends IamProxyError {
  override readonly name = 'ProxyOptionsError';
}

/** The request is not one the proxy can read: no SigV4 credential, no operation, a malformed body. */
export class RequestParseError extends IamProxyError {
  override readonly name: string = 'RequestParseError';
}

/** The operation is not in Haven's operation map, so the proxy does not know what AWS would authorize; it is denied. */
export class UnmappedOperationError extends IamProxyError {
  override readonly name = 'UnmappedOperationError';
  constructor(
    readonly service: string,
    readonly operation: string,
  ) {
    super(
      `the local IAM proxy has no authorization rule for ${service} operation ${operation}; ` +
        `it is denied until local/iam/operations/ maps it to the IAM actions AWS checks`,
    );
  }
}

/** A parameter the operation map needs is missing or has the wrong type. */
export class MissingParameterError extends IamProxyError {
  override readonly name = 'MissingParameterError';
  constructor(
    readonly operation: string,
    readonly parameter: string,
  ) {
    super(`${operation} needs the parameter ${parameter} to be authorized`);
  }
}

/**
 * An alias of the account that the world does not know (the world holds every
 * alias the deployment made): KMS answers NotFoundException before it
 * authorizes anything, since there is no key to authorize, and so does the proxy.
 */
export class NoSuchAliasError extends IamProxyError {
  override readonly name = 'NoSuchAliasError';
  /** @param aliasArn - the alias's ARN, as KMS names it in the message */
  constructor(readonly aliasArn: string) {
    super(`Alias ${aliasArn} is not found.`);
  }
}

/** A KMS key id or alias the world does not know: the proxy cannot tell which key's policies apply. */
export class UnknownKeyError extends IamProxyError {
  override readonly name = 'UnknownKeyError';
  constructor(readonly keyId: string) {
    super(`the KMS key ${keyId} is not known to the local IAM world, so its key policy cannot be evaluated`);
  }
}
