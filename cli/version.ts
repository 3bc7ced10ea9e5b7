/** The `haven` command's version: package.json's (`haven --version`). */
import packageJson from '../package.json' with { type: 'json' };

/** The version of this checkout or bundle. */
export const HAVEN_VERSION: string = packageJson.version;
