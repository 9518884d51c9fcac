/*
 * import-csv: the pure parts of crs-import (SPEC §3.9, seed 001 §2.5): a
 * streaming RFC 4180 CSV reader, the header map, the validation of one
 * legacy Portal row with the registration site's own rules, the civil
 * registry's verdict on it, the lunar birth date, and the report's CSV.
 *
 * No database and no global state; the reader reads a FILE it is given and
 * the report writer writes one.  Unit-tested in tests/unit/test_import.c.
 */
#ifndef CRS_IMPORT_CSV_H
#define CRS_IMPORT_CSV_H

#include "hijri.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ outcomes */

/* Why a row was not imported (or that it was); each has a stable name for
 * the report and a Persian and an English reason. */
enum import_code {
	IMP_OK = 0,
	/* the CSV itself */
	IMP_CSV_QUOTE,           /* '"' inside an unquoted field */
	IMP_CSV_AFTER_QUOTE,     /* text after a closing quote */
	IMP_CSV_UNTERMINATED,    /* end of file inside a quoted field */
	IMP_CSV_TOO_LONG,        /* record over the reader's limit */
	IMP_CSV_TOO_MANY_FIELDS, /* more than CSV_MAX_FIELDS fields */
	IMP_CSV_NUL,             /* a NUL byte */
	IMP_CSV_UTF8,            /* not valid UTF-8 */
	IMP_CSV_FIELD_COUNT,     /* not as many fields as the header */
	/* the row's values, as the site checks its forms */
	IMP_PORTAL_REF_INVALID,
	IMP_NATIONAL_ID_INVALID,
	IMP_SERIAL_INVALID,
	IMP_BIRTH_DATE_INVALID,
	IMP_LUNAR_DATE_INVALID,
	IMP_GENDER_INVALID,
	IMP_RELIGION_INVALID,
	IMP_MOTHER_NAME_INVALID,
	IMP_MOBILE_INVALID,
	IMP_NEED_INVALID,
	/* the civil registry, as the first page and the details page check */
	IMP_NOT_IN_REGISTRY,
	IMP_ID_SERIAL_MISMATCH,
	IMP_SERIAL_NOT_YET_KNOWN,
	IMP_PERSON_DECEASED,
	IMP_UNDER_AGE,
	IMP_BIRTH_DATE_MISMATCH,
	IMP_GENDER_MISMATCH,
	IMP_LUNAR_NOT_OFFERED,
	/* what is in the database already */
	IMP_ALREADY_IMPORTED,
	IMP_HAS_APPLICATION,
	IMP_REF_CONFLICT,
	IMP_DB_ERROR,
	IMP_CODE_COUNT
};

/* "UNDER_AGE"; reasons in Persian and English (UTF-8, static). */
const char *import_code_name(enum import_code c);
const char *import_reason_fa(enum import_code c);
const char *import_reason_en(enum import_code c);

/* ------------------------------------------------------------ CSV reader */

#define CSV_MAX_FIELDS 64
#define CSV_DEFAULT_MAX_RECORD (64 * 1024)
#define CSV_DEFAULT_IO (64 * 1024)

enum csv_status {
	CSV_RECORD = 1, /* a record; fields in r->field[0..nfields) */
	CSV_EOF = 0,
	CSV_BAD = -1,   /* a record that is not valid CSV: r->bad says why */
	CSV_EIO = -2,   /* read error */
	CSV_ENOMEM = -3
};

/*
 * RFC 4180 with the usual tolerance: fields separated by commas, records by
 * CRLF, LF or a lone CR; a field in double quotes may hold commas, quotes
 * (doubled) and line breaks.  A UTF-8 byte-order mark at the start of the
 * file is skipped.  Records whose fields are all empty or blank (empty
 * lines, or ",,,," as spreadsheets write them) are skipped, but counted in
 * `records`, so that row numbers are the spreadsheet's.
 *
 * Memory is bounded: one input buffer and one record buffer; a record
 * longer than max_record bytes is consumed to its end and reported bad.
 * A bad record is consumed up to its end too (quotes honoured), so the
 * next call starts at the next record; whatever fields were read are left
 * in field[] for the report.
 */
struct csv_reader {
	FILE *f;
	unsigned char *in;         /* input buffer */
	size_t in_size, in_pos, in_len;
	int in_eof, in_err, started;
	int back[4], nback;        /* bytes given back, last first */
	char *rec;                 /* the record's fields, NUL-separated */
	size_t rec_cap, rec_len;
	char *field[CSV_MAX_FIELDS];
	size_t nfields;
	unsigned long line;        /* physical line the next record starts on */
	unsigned long rec_line;    /* first line of the last record */
	unsigned long records;     /* records so far, blank ones included */
	enum import_code bad;      /* why the last record is bad */
};

/* io_size and max_record 0 mean the defaults.  Returns 0 or CSV_ENOMEM. */
int csv_open(struct csv_reader *r, FILE *f, size_t io_size, size_t max_record);
void csv_close(struct csv_reader *r);
/* The next non-blank record: CSV_RECORD, CSV_BAD, CSV_EOF or CSV_EIO. */
int csv_next(struct csv_reader *r);


/* ------------------------------------------------------------ header */

enum import_col {
	COL_PORTAL_REF,
	COL_NATIONAL_ID,
	COL_SERIAL,
	COL_BIRTH_SOLAR,
	COL_GENDER,
	COL_RELIGION,
	COL_MOTHER_NAME,
	COL_MOBILE,
	/* optional */
	COL_LEAVE_HOME,
	COL_CLIMB_STAIRS,
	COL_PUPILS,
	COL_FINGERS,
	COL_BIRTH_LUNAR,
	COL_COUNT
};
#define COL_REQUIRED 8 /* the first COL_REQUIRED columns must be present */

/* Header names, as the CSV spells them ("portal_ref", ...). */
const char *import_col_name(enum import_col c);

struct import_header {
	int idx[COL_COUNT]; /* field index of each column, -1 when absent */
	size_t nfields;     /* fields in the header: every row must have these */
	size_t unknown;     /* header fields that are not a known column */
};

/*
 * Map header names (trimmed, ASCII case ignored) to columns.  Returns 0,
 * or -1 with a reason in err: a required column missing, a column twice,
 * an empty name.  Unknown names are counted (and ignored by the rows);
 * their names go, comma-separated, into unknown_names when not NULL.
 */
int import_header_map(char *const *fields, size_t n, struct import_header *h,
		      char *err, size_t errsz, char *unknown_names,
		      size_t unknown_sz);

/* ------------------------------------------------------------ one row */

#define PORTAL_REF_MAX 32
#define MOTHER_NAME_MAX 256 /* bytes; 40 letters of two bytes fit */

struct import_row {
	char portal_ref[PORTAL_REF_MAX + 1];
	char nid[11];            /* normalised; "" unless ten digits */
	char serial[7];
	int32_t birth_jdn;
	char birth_sql[11];      /* Gregorian YYYY-MM-DD */
	int has_lunar;           /* the row gave birth_date_lunar */
	struct hijri_date lunar;
	const char *gender;      /* "male" | "female" */
	const char *religion;    /* the schema's enum */
	char mother_name[MOTHER_NAME_MAX];
	char mobile[12];         /* 09 + 9 digits */
	int needs[4];            /* -1 not given, 0 no, 1 yes */
	int needs_complete;      /* all four given */
};

/* The four needs columns, in the application table's order. */
extern const enum import_col import_need_cols[4];

/*
 * Validate and normalise one record by the site's rules (login.c and
 * details.c): digits of any script, national ID check digit, six-digit
 * serial, a real Jalali date, gender, religion, the mother's first name in
 * Persian letters, a mobile in any usual spelling, needs as yes/no.
 * fields[i] for i < n; a column the header lacks is taken as empty.
 *
 * row->nid is filled whenever the national ID has ten digits, even if
 * another value is bad, so the report can show it masked.  On IMP_NEED_
 * INVALID (and the other value errors) *bad_col names the column.
 */
enum import_code import_row_parse(char *const *fields, size_t n,
				  const struct import_header *h,
				  struct import_row *row,
				  enum import_col *bad_col);

/* ------------------------------------------------------------ registry */

/* The civil registry's record of a person, as registry_person holds it. */
struct import_person {
	char serial[7];
	char prev_serial[7];     /* "" when none */
	int64_t changed_ms;      /* serial_changed_at; 0 when NULL */
	int32_t birth_jdn;
	char gender[8];
	int alive;
};

/* The site's settings and calendars the checks need. */
struct import_rules {
	int64_t now_ms;
	int64_t min_age_years;             /* [plugin.registration] 15 */
	int64_t serial_wait_seconds;       /* 48 working hours */
	const int32_t *holidays;           /* sorted JDNs */
	size_t n_holidays;
	const struct hijri_month_start *months; /* Iran's announced starts */
	size_t n_months;
};

/*
 * The first page's and the details page's registry checks on a parsed row:
 * the serial is the current one (or, while a change is less than the wait
 * old, the previous one, as on the site; the current one is then not known
 * yet), the person is alive and old enough, and birth date and gender
 * match.  IMP_OK or the refusal.
 */
enum import_code import_check_person(const struct import_row *row,
				     const struct import_person *p,
				     const struct import_rules *rules);

/*
 * The lunar birth date to store, "YYYY/MM/DD": the row's when it gave one
 * and it is among the five the site offers (hijri_options), else
 * IMP_LUNAR_NOT_OFFERED; the computed one (the middle option) when the row
 * gave none.  IMP_LUNAR_DATE_INVALID when the month table is not valid.
 */
enum import_code import_lunar(const struct import_row *row,
			      const struct import_rules *rules,
			      char out[HIJRI_FMT_SIZE]);

/*
 * What the application table already says: ref_found (an application has
 * this legacy_ref, held by ref_nid), nid_found (the citizen has one).
 * IMP_OK (nothing: import), IMP_ALREADY_IMPORTED, IMP_REF_CONFLICT or
 * IMP_HAS_APPLICATION.
 */
enum import_code import_existing(const char *nid, int ref_found,
				 const char *ref_nid, int nid_found);

/* ------------------------------------------------------------ time */

/* "YYYY-MM-DD" -> JDN; 0 or -1. */
int import_sql_date_to_jdn(const char *s, int32_t *jdn);
/* "YYYY-MM-DD HH:MM:SS[.fff]" (UTC) -> Unix ms; 0 or -1. */
int import_sql_time_to_ms(const char *s, int64_t *ms);
/* Unix ms -> "YYYY-MM-DD HH:MM:SS.mmm" (UTC), for DATETIME(3). */
void import_ms_to_sql_time(int64_t ms, char out[24]);
/* ISO 8601 "YYYY-MM-DD[T ]HH:MM[:SS[.fff]](Z|±HH[:]MM)" -> Unix ms; 0 or -1. */
int import_parse_iso(const char *s, int64_t *ms);

/* ------------------------------------------------------------ report */

/* One CSV field, quoted when it holds a comma, quote, CR or LF. */
void import_csv_field(FILE *f, const char *s);
/* row,portal_ref,national_id_masked,result,reason_fa,reason_en */
void import_report_header(FILE *f);
void import_report_row(FILE *f, unsigned long row, const char *portal_ref,
		       const char *nid_masked, const char *result,
		       const char *reason_fa, const char *reason_en);

/*
 * The portal_ref as the report shows it: a valid one as it is; anything
 * else cut to 64 bytes (on a character boundary), ten-digit runs masked
 * (a national ID in the wrong column), and a leading = + - @ neutralised
 * with an apostrophe so that a spreadsheet does not run it as a formula.
 */
void import_report_ref(const char *raw, char *out, size_t outsz);

/* Whether s (already trimmed) is a valid portal_ref: [A-Za-z0-9-]{1,32}. */
int import_portal_ref_valid(const char *s);

#endif /* CRS_IMPORT_CSV_H */
