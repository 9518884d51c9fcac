-- Notifications (ABI 1.1): a de-duplication key (the same event queued
-- twice — a retried transaction, a job run again after a crash — is one
-- message) and an expiry (a reminder for tomorrow's appointment is worth
-- nothing the day after).
ALTER TABLE notification_outbox
  ADD COLUMN dedup_key VARCHAR(100) CHARACTER SET ascii NULL AFTER channel,
  ADD COLUMN expires_at DATETIME(3) NULL AFTER next_attempt_at,
  MODIFY state ENUM('pending','sent','failed','expired') NOT NULL DEFAULT 'pending',
  ADD UNIQUE KEY uq_outbox_dedup (dedup_key);
