/**
 * The oldest Node.js the `haven` command runs on, and the check the
 * installed command (`cli/bin.ts`) makes before it loads anything else:
 * Haven's vault format compresses with zstd, which `node:zlib` has from
 * Node.js 22.15 on. package.json's `engines` says the same (a test holds
 * them together). Written for any Node.js: no import, no recent syntax.
 */

/** The oldest supported version: major, minor. */
export const MINIMUM_NODE = [22, 15] as const;

/**
 * @param version - `process.versions.node`, e.g. `20.20.2`
 * @returns undefined when `version` is supported, else the message to print
 */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [wantMajor, wantMinor] = MINIMUM_NODE;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return undefined;
  return `haven needs Node.js ${wantMajor}.${wantMinor} or newer; this is Node.js ${version} (${process.execPath}). Install Node.js ${wantMajor} (for example with nvm: nvm install ${wantMajor}) and run haven again.\n`;
}
