/**
 * zod fields several source kinds' configurations share: glob lists, and
 * the flags every restore destination takes.
 */
import { z } from 'zod';
import { ConflictPolicy } from './source.js';

/** Globs (`temp_*`, `*.bin`): at most 100, each 1–1024 characters. */
export const Globs = z.array(z.string().min(1).max(1024)).max(100);

/** One of {@link ConflictPolicy}. */
export const ConflictPolicySchema = z.enum([ConflictPolicy.FailIfExists, ConflictPolicy.Overwrite, ConflictPolicy.SkipExisting]);

/** Fields every restore destination takes. */
export const restoreFlags = {
  overwrite_existing: z.boolean().optional().meta({ description: 'Shorthand for conflict_policy overwrite' }),
  create_missing_tables: z.boolean().optional(),
  conflict_policy: ConflictPolicySchema.optional(),
};
