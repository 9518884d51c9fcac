-- The application lifecycle (ABI 1.1 life_move): one row per move of an
-- application, written in the transaction that moves it.  actor_id is the
-- bearer token ("token:<id>"), the citizen's session ("session:<16 hex of
-- its hash>"), or the system part that moved it ("hold sweeper").
CREATE TABLE application_event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  application_id BIGINT NOT NULL,
  from_stage VARCHAR(24) CHARACTER SET ascii NOT NULL,
  to_stage VARCHAR(24) CHARACTER SET ascii NOT NULL,
  event VARCHAR(32) CHARACTER SET ascii NOT NULL,
  actor_kind ENUM('citizen','office','registry','subsidy','admin','system') NOT NULL,
  actor_id VARCHAR(64) NULL,
  actor_role VARCHAR(16) CHARACTER SET ascii NULL,
  at DATETIME(3) NOT NULL,
  request_id VARCHAR(64) CHARACTER SET ascii NULL,
  detail VARCHAR(255) NULL,
  KEY ix_event_application (application_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
