/**
 * Verification of backups: request validation and record creation for the
 * API (`createVerification`), levels, sample rotation and scratch targets.
 * The `verify` workflow's steps are in `control/workflows/verify/`.
 */
export { checkVerificationRequest, createVerification, type VerificationRequest } from './create.js';
export { BackupNotVerifiableError, InvalidVerificationError, VerificationError } from './errors.js';
export { isVerificationLevel, levelOfRequest, readsPackData, VerificationLevel } from './levels.js';
export { choosePackSample, ringPosition, windowHolds } from './sample.js';
export { cleanupScratch, SCRATCH_PREFIX, scratchName, scratchTarget, type ScratchTarget } from './scratch.js';
