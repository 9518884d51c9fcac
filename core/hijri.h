/*
 * hijri: the lunar Hijri (Qamari) calendar as CRS needs it for birth dates:
 * the tabular islamic-civil calendar, corrected by a table of the month
 * starts Iran actually announced (moon sighting makes the tabular rule a
 * day off in some months).  The table is data the administrator keeps in
 * the database; this module only reads an array the caller passes.
 *
 * Pure functions: no I/O, no allocation, no shared state; thread-safe.
 * Days are Julian Day Numbers, as in jalali.h.
 */
#ifndef CRS_HIJRI_H
#define CRS_HIJRI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	HIJRI_OK = 0,
	HIJRI_EINVAL = -1,   /* no such date, or argument out of range */
	HIJRI_EPARSE = -2,   /* text is not YYYY/MM/DD */
	HIJRI_ENOSPACE = -3, /* output buffer too small */
	HIJRI_ERANGE = -4,   /* day outside the supported range */
	HIJRI_ETABLE = -5    /* the override table is not valid */
};

#define HIJRI_YEAR_MIN 1
#define HIJRI_YEAR_MAX 2000
/* 1 Muharram 1 AH of the civil epoch: Friday 16 July 622 (Julian). */
#define HIJRI_EPOCH_JDN 1948440
/* How far (days) an announced month start may be from the tabular one. */
#define HIJRI_MAX_SHIFT 3
/* Number of choices hijri_options() offers. */
#define HIJRI_OPTIONS 5

#define HIJRI_FMT_SIZE 11 /* "1446/01/01" */
#define HIJRI_FMT_FA_LONG_SIZE 48

struct hijri_date {
	int year;
	int month; /* 1 = Muharram .. 12 = Dhu al-Hijja */
	int day;
};

/*
 * One announced month start: day 1 of (year, month) is the day jdn.
 * A table is an array of these sorted by (year, month), without repeats.
 */
struct hijri_month_start {
	int year;
	int month;
	int32_t jdn;
};

/*
 * A month's first day is the table's when the table lists the month, the
 * tabular one otherwise; a month lasts until the next month's first day.
 * So a month listed with its successor has the announced length, and at
 * the edges of the table the neighbouring tabular month absorbs the shift
 * (it may then have 28 or 31 days: keep the table free of gaps across the
 * years that matter).
 *
 * Each function taking (ov, n) first checks the table as
 * hijri_overrides_check() does and fails with HIJRI_ETABLE if it is not
 * valid.  ov may be NULL when n is 0: the plain tabular calendar.
 */

/*
 * Check a table: months 1..12, years in range, strictly increasing
 * (year, month), every start within HIJRI_MAX_SHIFT days of the tabular
 * one (catches a mistyped year or month), and consecutive months 29 or 30
 * days apart.  On failure *bad (if not NULL) gets the index of the first
 * offending entry.  Returns HIJRI_OK, HIJRI_ETABLE or HIJRI_EINVAL.
 */
int hijri_overrides_check(const struct hijri_month_start *ov, size_t n,
			  size_t *bad);

/* Leap year of the tabular calendar (years 2, 5, 7, ... 29 of 30). */
bool hijri_is_leap(int hy);

/*
 * 29 or 30; next to an edge of the table, where the neighbouring tabular
 * month absorbs an announced shift, possibly 28 or 31 (at most
 * HIJRI_MAX_SHIFT days off).  Negative on error.
 */
int hijri_month_length(int hy, int hm, const struct hijri_month_start *ov,
		       size_t n);

bool hijri_valid(const struct hijri_date *d,
		 const struct hijri_month_start *ov, size_t n);

int hijri_to_jdn(const struct hijri_date *d,
		 const struct hijri_month_start *ov, size_t n, int32_t *jdn);
int hijri_from_jdn(int32_t jdn, const struct hijri_month_start *ov, size_t n,
		   struct hijri_date *out);

/*
 * The five lunar dates the citizen chooses from: the one computed for the
 * day jdn_birth in the middle (out[2]), two days before and two after.
 */
int hijri_options(int32_t jdn_birth, const struct hijri_month_start *ov,
		  size_t n, struct hijri_date out[HIJRI_OPTIONS]);

/*
 * "YYYY/MM/DD" with digits of any script (see jalali_parse_ymd()), month
 * 1..12 and day 1..30.  Whether day 30 exists in that month depends on the
 * table: use hijri_valid() or compare with hijri_options().
 */
int hijri_parse(const char *s, struct hijri_date *out);

/* "1446/01/01", ASCII, zero-padded. */
int hijri_format(const struct hijri_date *d, char *out, size_t outsz);

/* "۱۵ ذی‌القعده ۱۴۱۰": day, month name, year in Persian digits. */
int hijri_format_fa_long(const struct hijri_date *d, char *out,
			 size_t outsz);

/* Persian month name, UTF-8 (محرم .. ذی‌الحجه), or NULL. */
const char *hijri_month_name(int hm);

#endif /* CRS_HIJRI_H */
