/*
 * import-row: one legacy Portal row of crs-import (SPEC §3.9): the header
 * map from column names to fields, the validation and normalisation of a
 * record by the registration site's own rules, and how the report shows a
 * portal_ref.  Pure: no database, no I/O.
 */
#ifndef CRS_IMPORT_ROW_H
#define CRS_IMPORT_ROW_H

#include "hijri.h"
#include "import-codes.h"

#include <stddef.h>
#include <stdint.h>

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

/*
 * The portal_ref as the report shows it: a valid one as it is; anything
 * else cut to 64 bytes (on a character boundary), ten-digit runs masked
 * (a national ID in the wrong column), and a leading = + - @ neutralised
 * with an apostrophe so that a spreadsheet does not run it as a formula.
 */
void import_report_ref(const char *raw, char *out, size_t outsz);

/* Whether s (already trimmed) is a valid portal_ref: [A-Za-z0-9-]{1,32}. */
int import_portal_ref_valid(const char *s);

#endif /* CRS_IMPORT_ROW_H */
