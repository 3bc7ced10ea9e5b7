/**
 * The CDK app entry point (`cdk.json` runs it with tsx). Reads Haven's
 * context, builds the stack, and registers cdk-nag's AWS Solutions checks so
 * every synth fails on an unacknowledged finding.
 */
import { App } from 'aws-cdk-lib';
import { readHavenContext } from './config.js';
import { CopyVaultStack, copyVaultFromContext } from './copy-vault-stack.js';
import { HavenStack } from './haven-stack.js';
import { applyHavenChecks } from './nag.js';

const app = new App();
const config = readHavenContext(app.node);
new HavenStack(app, 'Haven', {
  ...config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// A copy vault for another region or account (docs/COPIES.md), deployed on its own: `cdk deploy HavenCopyVault -c haven:copyVault=…`.
const copyVault = copyVaultFromContext(app.node);
if (copyVault) new CopyVaultStack(app, 'HavenCopyVault', copyVault);
applyHavenChecks(app);
