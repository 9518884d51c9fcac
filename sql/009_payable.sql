-- Payments as a generic service (ABI 1.1 payable): an attempt pays for a
-- subject of a payable (the card fee of an application, for now), and the
-- core keeps what it needs of it itself: who started the attempt (their
-- session subject: only they may look at it) and the mobile the bank's
-- page may show.  The core no longer reads the application.
ALTER TABLE payment
  ADD COLUMN payable VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT 'registration_fee'
    AFTER order_id,
  CHANGE COLUMN application_id subject_id BIGINT NOT NULL,
  ADD COLUMN owner VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '' AFTER subject_id,
  ADD COLUMN mobile CHAR(11) CHARACTER SET ascii NULL AFTER owner,
  DROP KEY ix_payment_application,
  ADD KEY ix_payment_subject (payable, subject_id),
  ADD KEY ix_payment_owner (owner, id);

UPDATE payment p JOIN application a ON a.id = p.subject_id
   SET p.owner = a.national_id, p.mobile = a.mobile;
