/**
 * The entry of the installed `haven` command (`dist/haven.cjs`, built by
 * `npm run build:cli`, see cli/build.ts): checks the Node.js version first
 * and exits 2 with a clear message on an older one, before the CLI (which
 * needs it) is loaded; then runs the CLI.
 */
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem);
  process.exitCode = 2;
} else {
  void import('./run.js').then(({ runHaven }) => runHaven(process.argv));
}
