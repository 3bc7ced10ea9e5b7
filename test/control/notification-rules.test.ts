/** Which events notify under which settings, how they read, and what is redacted (pure). */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { NotificationSettings, VerificationRecord } from '../../control/catalog/types.js';
import { retentionApplied, verificationFailed } from '../../control/notifications/details.js';
import { severityOf, shouldNotify } from '../../control/notifications/filter.js';
import { formatSnsMessage, SUBJECT_MAX } from '../../control/notifications/message.js';
import { REDACTED, redactSecrets } from '../../control/notifications/redact.js';

const settings = (on_success: boolean, on_failure: boolean, on_warning: boolean): NotificationSettings => ({ on_success, on_failure, on_warning, recipients: [] });

const cleanRetention = () => retentionApplied({ job_id: 'job_1', deleted_backup_ids: ['backup_a'], backups_kept: 3 });
const warnedRetention = () => retentionApplied({ job_id: 'job_1', deleted_backup_ids: [], backups_kept: 3, warnings: ['backup_b is locked'] });

test('severity: a clean retention is a success; one with warnings, or an unknown event, is a warning', () => {
  // Prepare
  const events = [cleanRetention(), warnedRetention(), { detailType: 'Something New', detail: {} }];

  // Act
  const severities = events.map((e) => severityOf(e));

  // Assess
  assert.deepEqual(severities, ['success', 'warning', 'warning']);
});

test('each setting governs its severity only', () => {
  // Prepare
  const success = { detailType: 'Backup Succeeded', detail: {} };
  const failure = { detailType: 'Backup Failed', detail: {} };
  const events = [success, failure, cleanRetention(), warnedRetention()];

  // Act
  const onSuccess = events.map((e) => shouldNotify(e, settings(true, false, false)));
  const onFailure = events.map((e) => shouldNotify(e, settings(false, true, false)));
  const onWarning = events.map((e) => shouldNotify(e, settings(false, false, true)));

  // Assess
  assert.deepEqual(onSuccess, [true, false, true, false]);
  assert.deepEqual(onFailure, [false, true, false, false]);
  assert.deepEqual(onWarning, [false, false, false, true]);
});

test('Verification Failed carries the verification\'s ids, issues and counts', () => {
  // Prepare
  const record = { verification_id: 'verify_1', backup_id: 'backup_1', verification_type: 'full', duration: 12, result: { issues: ['pack p1 missing'], blobs_checked: 7, bytes_checked: 1024 } } as unknown as VerificationRecord;

  // Act
  const event = verificationFailed(record, { code: 'CorruptedBackup', message: '1 pack missing' });

  // Assess
  assert.deepEqual(event, {
    detailType: 'Verification Failed',
    detail: { backup_id: 'backup_1', verification_id: 'verify_1', verification_type: 'full', error_code: 'CorruptedBackup', error_message: '1 pack missing', issues: ['pack p1 missing'], blobs_checked: 7, bytes_checked: 1024, duration: 12 },
  });
});

test('redaction: secret-named fields, URL credentials and password pairs, however deep', () => {
  // Prepare
  const detail = { a: { password: 'p1', list: ['mysql://root:p2@h/db', 'ok'] }, secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', note: 'login failed: Password=p3; host=db' };

  // Act
  const out = redactSecrets(detail);

  // Assess
  assert.deepEqual(out, { a: { password: REDACTED, list: [`mysql://${REDACTED}@h/db`, 'ok'] }, secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', note: `login failed: Password=${REDACTED}; host=db` });
});

/** A failed backup of a job whose name is long and spans lines, with one recipient. */
const failedBackup = () => ({
  event: { detailType: 'Backup Failed', detail: { job_id: 'job_1' } },
  context: {
    job: { job_id: 'job_1', job_name: `Nightly\n${'é'.repeat(200)}` } as never,
    settings: { ...settings(true, true, true), recipients: ['ops@example.com'] },
  },
});

test('the subject is one printable line of at most 100 characters', () => {
  // Prepare
  const { event, context } = failedBackup();

  // Act
  const { subject } = formatSnsMessage(event, 'failure', context);

  // Assess
  assert.ok(subject.length <= SUBJECT_MAX);
  assert.match(subject, /^\[Haven\] Backup Failed: Nightly \?+\.\.\.$/);
});

test('the message attributes carry the recipients and the job id', () => {
  // Prepare
  const { event, context } = failedBackup();

  // Act
  const { attributes } = formatSnsMessage(event, 'failure', context);

  // Assess
  assert.deepEqual(attributes.recipients, { DataType: 'String.Array', StringValue: '["ops@example.com"]' });
  assert.deepEqual(attributes.job_id, { DataType: 'String', StringValue: 'job_1' });
});
