-- The civil registry the system reads, offices and their daily capacity, and
-- citizens' applications.  Civil dates are DATE (Gregorian; shown in Jalali);
-- instants are UTC DATETIME(3) from crsd's clock.

CREATE TABLE registry_person (
  national_id CHAR(10) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  serial CHAR(6) CHARACTER SET ascii NOT NULL,      -- six-digit part of the current serial
  prev_serial CHAR(6) CHARACTER SET ascii NULL,
  serial_changed_at DATETIME(3) NULL,               -- when the current serial was issued
  first_name VARCHAR(64) NOT NULL,
  last_name VARCHAR(64) NOT NULL,
  father_name VARCHAR(64) NOT NULL,
  birth_date DATE NOT NULL,
  gender ENUM('male','female') NOT NULL,
  birth_province VARCHAR(32) NOT NULL,
  alive TINYINT(1) NOT NULL DEFAULT 1,
  death_date DATE NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE office (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(128) NOT NULL,
  type ENUM('pishkhan','post','registry') NOT NULL,
  province VARCHAR(32) NOT NULL,
  city VARCHAR(64) NOT NULL,
  city_code CHAR(3) CHARACTER SET ascii NOT NULL,   -- landline prefix, '041'
  address VARCHAR(255) NOT NULL,
  phone CHAR(8) CHARACTER SET ascii NOT NULL,       -- landline without the city code
  step_free TINYINT(1) NOT NULL DEFAULT 0,
  iris_alternative TINYINT(1) NOT NULL DEFAULT 0,
  fingerprint_alternative TINYINT(1) NOT NULL DEFAULT 0,
  mobile_service TINYINT(1) NOT NULL DEFAULT 0,
  delivers_cards TINYINT(1) NOT NULL DEFAULT 0,
  -- bit 0 = Saturday … bit 6 = Friday; 63 = Saturday to Thursday
  working_days TINYINT UNSIGNED NOT NULL DEFAULT 63,
  active TINYINT(1) NOT NULL DEFAULT 1,
  KEY ix_office_city (city_code, active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Approved capacity per shift and day.
CREATE TABLE office_shift (
  office_id INT NOT NULL,
  shift ENUM('morning','evening') NOT NULL,
  capacity INT NOT NULL,
  PRIMARY KEY (office_id, shift),
  CONSTRAINT fk_shift_office FOREIGN KEY (office_id) REFERENCES office (id)
) ENGINE=InnoDB;

-- National holidays (offices closed; not working hours for the 48-hour rule).
CREATE TABLE holiday (
  day DATE NOT NULL PRIMARY KEY,
  title VARCHAR(128) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Days one office is closed besides holidays and its weekly days off.
CREATE TABLE office_closure (
  office_id INT NOT NULL,
  day DATE NOT NULL,
  PRIMARY KEY (office_id, day)
) ENGINE=InnoDB;

-- One row per office, day and shift once anyone looks at that day: the
-- capacity copied from office_shift, and the places taken (held or booked).
-- Booking is "UPDATE … SET taken = taken + 1 WHERE … AND taken < capacity":
-- the database, not crsd, decides the last place.
CREATE TABLE slot (
  office_id INT NOT NULL,
  day DATE NOT NULL,
  shift ENUM('morning','evening') NOT NULL,
  capacity INT NOT NULL,
  taken INT NOT NULL DEFAULT 0,
  PRIMARY KEY (office_id, day, shift)
) ENGINE=InnoDB;

-- Iran's announced lunar month starts (moon sighting); they override the
-- tabular islamic-civil calendar.  Data, edited by the administrator.
CREATE TABLE hijri_month_start (
  year SMALLINT NOT NULL,
  month TINYINT NOT NULL,
  day1 DATE NOT NULL,
  PRIMARY KEY (year, month)
) ENGINE=InnoDB;

CREATE TABLE application (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  national_id CHAR(10) CHARACTER SET ascii NOT NULL,
  serial CHAR(6) CHARACTER SET ascii NOT NULL,
  stage ENUM('entered','details_done','reserved','paid','paid_no_slot',
             'completion_started','completion_done','production_started',
             'card_ready','delivered') NOT NULL DEFAULT 'entered',
  birth_date DATE NULL,
  birth_date_lunar CHAR(10) CHARACTER SET ascii NULL,   -- Hijri 'YYYY/MM/DD' as chosen
  gender ENUM('male','female') NULL,
  religion ENUM('islam','christian','jewish','zoroastrian','other') NULL,
  mother_name VARCHAR(64) NULL,
  mobile CHAR(11) CHARACTER SET ascii NULL,
  can_leave_home TINYINT(1) NULL,
  can_climb_stairs TINYINT(1) NULL,
  pupils_visible TINYINT(1) NULL,
  fingers_intact TINYINT(1) NULL,
  office_id INT NULL,
  appt_day DATE NULL,
  appt_shift ENUM('morning','evening') NULL,
  hold_until DATETIME(3) NULL,          -- while held and unpaid; NULL once booked
  delivery_office_id INT NULL,
  tracking_code CHAR(9) CHARACTER SET ascii NULL,
  no_show_until DATE NULL,
  legacy_ref VARCHAR(32) CHARACTER SET ascii NULL,     -- imported from the old Portal
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  paid_at DATETIME(3) NULL,
  UNIQUE KEY uq_application_nid (national_id),
  UNIQUE KEY uq_application_tracking (tracking_code),
  UNIQUE KEY uq_application_legacy (legacy_ref),
  KEY ix_application_hold (stage, hold_until),
  KEY ix_application_slot (office_id, appt_day, appt_shift)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
