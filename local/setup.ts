/** `npm run setup`: installs the local AWS emulator into the project's virtualenv. */
import { ensureEmulatorInstalled } from './emulator/install.js';
import { MOTO_VERSION, venvDir } from './emulator/paths.js';
import { assertNodeVersion } from './node-version.js';

assertNodeVersion();
ensureEmulatorInstalled((line) => console.log(`[setup] ${line}`));
console.log(`[setup] moto[server]==${MOTO_VERSION} ready in ${venvDir}`);
