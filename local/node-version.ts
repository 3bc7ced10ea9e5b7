/** Base class of the local stack's configuration errors. */
export class LocalStackError extends Error {
  override readonly name: string = 'LocalStackError';
}

/** The running Node.js is older than Haven needs. */
export class NodeVersionError extends LocalStackError {
  override readonly name = 'NodeVersionError';
}

/** Haven runs on Node.js 22.15+ (zstd in node:zlib); the Lambda runtime is nodejs22.x. */
export const MIN_NODE = [22, 15] as const;

/**
 * Fails fast when the project is run with an older Node.js than it pins
 * (for instance the machine's node instead of the one npm scripts put first on PATH).
 */
export function assertNodeVersion(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    throw new NodeVersionError(
      `Node.js ${MIN_NODE.join('.')}+ is required, this is ${version}; run through npm scripts (they use the pinned node from devDependencies)`,
    );
  }
}
