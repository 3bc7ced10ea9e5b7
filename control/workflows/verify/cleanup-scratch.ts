/** Clean up scratch: remove the test restore's scratch table or prefix, whatever happened before. */
import { cleanupScratch, type ScratchTarget } from '../../verification/scratch.js';
import type { WorkflowDeps } from '../deps.js';

/** Runs the Clean up scratch step. */
export async function cleanupScratchStep(_deps: WorkflowDeps, input: { scratch: ScratchTarget }): Promise<{ removed: number }> {
  return { removed: await cleanupScratch(input.scratch) };
}
