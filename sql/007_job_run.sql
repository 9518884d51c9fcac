-- Occurrences of timers that must run on one crsd only (ABI 1.1 schedule
-- with a once_key): the first crsd to insert (name, occurrence) runs it.
-- occurrence: the Tehran day (Julian Day Number) of a daily timer, the
-- period number of a periodic one.  Swept after a week.
CREATE TABLE job_run (
  name VARCHAR(100) CHARACTER SET ascii NOT NULL,
  occurrence BIGINT NOT NULL,
  ran_by VARCHAR(96) NOT NULL,
  claimed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (name, occurrence),
  KEY ix_job_run_claimed (claimed_at)
) ENGINE=InnoDB;
