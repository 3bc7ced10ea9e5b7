/** What the API's services run with: the catalog and the ports (see `ports.ts`). */
import type { Catalog } from '../catalog/catalog.js';
import type { ScheduleService, SourceChecker, WorkflowStarter } from './ports.js';

/** Services and settings of the API. */
export interface ApiDeps {
  catalog: Catalog;
  workflows: WorkflowStarter;
  /** Schedule validation and sync; when absent, schedules are stored but neither checked nor synced and `next_run` stays null. */
  schedules?: ScheduleService;
  sources: SourceChecker;
  now(): Date;
  /** Haven's version, reported by `GET /health`. */
  version: string;
}

/** Who made a request (an IAM principal ARN, a JWT subject, `local`). */
export interface Caller {
  id: string;
}
