/**
 * Runs in every test file before its tests: exports the shared servers'
 * environment (test/setup/global.ts), so every client built by the code
 * under test reaches the emulator through `AWS_ENDPOINT_URL`.
 */
import { inject } from 'vitest';

Object.assign(process.env, inject('havenEnv'));
delete process.env.AWS_PROFILE;
