/** Environment variables naming a deployment's schedule settings (CDK sets them on the API function). */
export const SCHEDULE_ENV = {
  groupName: 'HAVEN_SCHEDULE_GROUP',
  roleArn: 'HAVEN_SCHEDULE_ROLE_ARN',
  stateMachineArn: 'HAVEN_BACKUP_STATE_MACHINE_ARN',
} as const;
