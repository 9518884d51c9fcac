-- Core tables: bearer tokens, citizen sessions, captcha challenges and the
-- notification outbox.  Instants are UTC DATETIME(3) written from crsd's
-- clock; civil dates are DATE.

CREATE TABLE api_token (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  role VARCHAR(16) CHARACTER SET ascii NOT NULL,
  office_id BIGINT NULL,
  name VARCHAR(128) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY uq_api_token_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE session (
  id_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  subject VARCHAR(64) CHARACTER SET ascii NOT NULL,
  csrf VARCHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  last_seen_at DATETIME(3) NOT NULL,
  KEY ix_session_last_seen (last_seen_at),
  KEY ix_session_subject (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE captcha_challenge (
  id VARCHAR(32) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  answer SMALLINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  KEY ix_captcha_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notification_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  channel ENUM('sms','email') NOT NULL,
  recipient VARCHAR(255) NOT NULL,
  subject VARCHAR(255) NULL,
  body MEDIUMTEXT NOT NULL,
  attachment_name VARCHAR(255) NULL,
  attachment_type VARCHAR(128) NULL,
  attachment MEDIUMBLOB NULL,
  state ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  last_error VARCHAR(255) NULL,
  KEY ix_outbox_due (state, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
