-- One row per payment attempt.  The core owns these rows and every decision
-- about them; gateway plugins only speak their bank's protocol.

CREATE TABLE payment (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,                        -- what the bank sees
  application_id BIGINT NOT NULL,
  gateway VARCHAR(32) CHARACTER SET ascii NOT NULL,
  amount_rial BIGINT NOT NULL,
  state ENUM('created','redirected','verified','failed','expired','reversed') NOT NULL,
  token VARCHAR(128) CHARACTER SET ascii NULL,
  -- One verify/confirm per token at a time, claimed atomically.
  verify_claimed_at DATETIME(3) NULL,
  verify_attempts INT NOT NULL DEFAULT 0,
  outcome_unknown TINYINT(1) NOT NULL DEFAULT 0,   -- a verify went unanswered
  reference VARCHAR(64) NULL,
  trace VARCHAR(64) NULL,
  card_masked VARCHAR(32) NULL,
  bank_code VARCHAR(32) NULL,
  message VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,                 -- the bank's window
  finished_at DATETIME(3) NULL,
  UNIQUE KEY uq_payment_order (order_id),
  UNIQUE KEY uq_payment_token (gateway, token),
  KEY ix_payment_application (application_id),
  KEY ix_payment_open (state, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
