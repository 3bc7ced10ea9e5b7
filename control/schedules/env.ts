/** Environment variables naming a deployment's schedule settings (CDK sets them on the API function). */
import { HavenEnv } from '../env.js';

export const SCHEDULE_ENV = {
  groupName: HavenEnv.ScheduleGroup,
  roleArn: HavenEnv.ScheduleRoleArn,
  stateMachineArn: HavenEnv.BackupStateMachineArn,
} as const;
