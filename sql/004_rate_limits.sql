-- Counted limits over a sliding window ("at most N in any hour"), kept in
-- the database so that every crsd behind the upstream sees one count: one
-- row per counted event, and one row per (bucket, subject) that a counting
-- transaction locks, so concurrent hits of one subject are counted in turn.
CREATE TABLE rate_subject (
  bucket VARCHAR(32) CHARACTER SET ascii NOT NULL,
  subject VARCHAR(64) CHARACTER SET ascii NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (bucket, subject),
  KEY ix_rate_subject_expires (expires_at)
) ENGINE=InnoDB;

CREATE TABLE rate_event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  bucket VARCHAR(32) CHARACTER SET ascii NOT NULL,
  subject VARCHAR(64) CHARACTER SET ascii NOT NULL,
  at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  KEY ix_rate_event (bucket, subject, at),
  KEY ix_rate_event_expires (expires_at)
) ENGINE=InnoDB;
