/** Which events notify under which settings, how they read, and what is redacted (pure). */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { NotificationSettings, VerificationRecord } from '../../control/catalog/types.js';
import { retentionApplied, verificationFailed } from '../../control/notifications/details.js';
import { severityOf, shouldNotify } from '../../control/notifications/filter.js';
import { formatSnsMessage, SUBJECT_MAX } from '../../control/notifications/message.js';
import { REDACTED, redactSecrets } from '../../control/notifications/redact.js';

const settings = (on_success: boolean, on_failure: boolean, on_warning: boolean): NotificationSettings => ({ on_success, on_failure, on_warning, recipients: [] });

test('each setting governs its severity only', () => {
  const success = { detailType: 'Backup Succeeded', detail: {} };
  const failure = { detailType: 'Backup Failed', detail: {} };
  const clean = retentionApplied({ job_id: 'job_1', deleted_backup_ids: ['backup_a'], backups_kept: 3 });
  const warning = retentionApplied({ job_id: 'job_1', deleted_backup_ids: [], backups_kept: 3, warnings: ['backup_b is locked'] });
  assert.equal(severityOf(clean), 'success');
  assert.equal(severityOf(warning), 'warning');
  assert.equal(severityOf({ detailType: 'Something New', detail: {} }), 'warning');
  assert.deepEqual([success, failure, clean, warning].map((e) => shouldNotify(e, settings(true, false, false))), [true, false, true, false]);
  assert.deepEqual([success, failure, clean, warning].map((e) => shouldNotify(e, settings(false, true, false))), [false, true, false, false]);
  assert.deepEqual([success, failure, clean, warning].map((e) => shouldNotify(e, settings(false, false, true))), [false, false, false, true]);
});

test('Verification Failed carries the verification\'s ids, issues and counts', () => {
  const record = { verification_id: 'verify_1', backup_id: 'backup_1', verification_type: 'full', duration: 12, result: { issues: ['pack p1 missing'], blobs_checked: 7, bytes_checked: 1024 } } as unknown as VerificationRecord;
  assert.deepEqual(verificationFailed(record, { code: 'CorruptedBackup', message: '1 pack missing' }), {
    detailType: 'Verification Failed',
    detail: { backup_id: 'backup_1', verification_id: 'verify_1', verification_type: 'full', error_code: 'CorruptedBackup', error_message: '1 pack missing', issues: ['pack p1 missing'], blobs_checked: 7, bytes_checked: 1024, duration: 12 },
  });
});

test('redaction: secret-named fields, URL credentials and password pairs, however deep', () => {
  const out = redactSecrets({ a: { password: 'p1', list: ['mysql://root:p2@h/db', 'ok'] }, secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', note: 'login failed: Password=p3; host=db' });
  assert.deepEqual(out, { a: { password: REDACTED, list: [`mysql://${REDACTED}@h/db`, 'ok'] }, secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', note: `login failed: Password=${REDACTED}; host=db` });
});

test('the subject is one printable line of at most 100 characters', () => {
  const { subject, attributes } = formatSnsMessage({ detailType: 'Backup Failed', detail: { job_id: 'job_1' } }, 'failure', {
    job: { job_id: 'job_1', job_name: `Nightly\n${'é'.repeat(200)}` } as never,
    settings: { ...settings(true, true, true), recipients: ['ops@example.com'] },
  });
  assert.ok(subject.length <= SUBJECT_MAX);
  assert.match(subject, /^\[Haven\] Backup Failed: Nightly \?+\.\.\.$/);
  assert.deepEqual(attributes.recipients, { DataType: 'String.Array', StringValue: '["ops@example.com"]' });
  assert.deepEqual(attributes.job_id, { DataType: 'String', StringValue: 'job_1' });
});
