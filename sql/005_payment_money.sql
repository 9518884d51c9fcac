-- Money (issue 13): failure callbacks are not trusted, and money the bank
-- kept that CRS will not keep is queued for an operator.

-- A failure callback (cancel, decline) arrived: the attempt stays open
-- until the bank itself says it was not paid, because anyone holding the
-- token can post one.  The citizen sees it as failed and may pay again.
ALTER TABLE payment
  ADD COLUMN callback_failed_at DATETIME(3) NULL AFTER outcome_unknown,
  ADD KEY ix_payment_reconcile (state, updated_at);

-- Money the bank kept that CRS will not keep (a second payment of one
-- application that could not be reversed, an amount the bank settled that
-- differs from the fee): an operator returns it and records that here.
CREATE TABLE payment_refund (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payment_id BIGINT NOT NULL,
  gateway VARCHAR(32) CHARACTER SET ascii NOT NULL,
  order_id BIGINT NOT NULL,
  amount_rial BIGINT NOT NULL,                     -- what the bank says it kept
  reference VARCHAR(64) NULL,
  reason VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  resolved_at DATETIME(3) NULL,
  resolved_note VARCHAR(255) NULL,
  UNIQUE KEY uq_refund_payment (payment_id),
  KEY ix_refund_open (resolved_at, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
