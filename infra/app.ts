/**
 * The CDK app entry point (`cdk.json` runs it with tsx). Reads Haven's
 * context, builds the stack, and registers cdk-nag's AWS Solutions checks so
 * every synth fails on an unacknowledged finding.
 */
import { App } from 'aws-cdk-lib';
import { readHavenContext } from './config.js';
import { HavenStack } from './haven-stack.js';
import { applyHavenChecks } from './nag.js';

const app = new App();
const config = readHavenContext(app.node);
new HavenStack(app, 'Haven', {
  ...config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
applyHavenChecks(app);
