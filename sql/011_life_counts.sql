-- The card's life in figures (SPEC §5, seed 003): applications counted per
-- city code and stage in the same transaction as every move (ABI 1.1
-- life_move / life_begin), a daily snapshot for past dates, and the
-- eligible citizens counted once a day from the civil registry.

-- Where a citizen lives, as the civil registry knows it (the city's
-- landline code, '041'); NULL when unknown.  An application keeps the code
-- its citizen had when it began, so its figures never move between cities.
ALTER TABLE registry_person
  ADD COLUMN city_code CHAR(3) CHARACTER SET ascii NULL AFTER birth_province;

ALTER TABLE application
  ADD COLUMN city_code CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '' AFTER serial;

-- The province of each city code (one province per code, as the
-- telephone network numbers them), as the offices say it: always current.
CREATE VIEW city_area AS
  SELECT city_code, MIN(province) AS province FROM office GROUP BY city_code;

-- Applications now at each stage, per city code.  Every move adds one and
-- takes one; a row is one of 16 shards (application id mod 16) so that
-- moves in one busy city do not queue behind one row lock.
CREATE TABLE life_count (
  city_code CHAR(3) CHARACTER SET ascii NOT NULL,
  stage VARCHAR(24) CHARACTER SET ascii NOT NULL,
  shard TINYINT UNSIGNED NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (city_code, stage, shard)
) ENGINE=InnoDB;

INSERT INTO life_count (city_code, stage, shard, n)
  SELECT city_code, stage, id % 16, COUNT(*) FROM application
   GROUP BY city_code, stage, id % 16;

-- The counts as they stood at the end of a Tehran day, written after it
-- ends (exact: the moves since midnight are taken back out of the counts).
-- metric: a stage name, or 'capacity' (the offices' daily intake).
CREATE TABLE stats_daily (
  day DATE NOT NULL,
  city_code CHAR(3) CHARACTER SET ascii NOT NULL,
  metric VARCHAR(24) CHARACTER SET ascii NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (day, city_code, metric)
) ENGINE=InnoDB;

-- Which days have their snapshot (a day with no application has no rows
-- in stats_daily, and still has its snapshot).
CREATE TABLE stats_day (
  day DATE NOT NULL PRIMARY KEY,
  taken_at DATETIME(3) NOT NULL
) ENGINE=InnoDB;

-- Eligible citizens (alive, 15 or older) on a day, per city code: counted
-- from the registry by a background job, never on a request.
CREATE TABLE stats_eligible (
  day DATE NOT NULL,
  city_code CHAR(3) CHARACTER SET ascii NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (day, city_code)
) ENGINE=InnoDB;

-- The snapshot takes back the moves after a midnight: find them by time.
ALTER TABLE application_event ADD KEY ix_event_at (at);
