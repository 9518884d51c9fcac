/*
 * jalali: the Solar Hijri (Jalali, Shamsi) calendar, the Julian Day Number
 * (JDN) as the common day count for every calendar in CRS, Gregorian
 * conversion, parsing and formatting of dates, age in full solar years, and
 * Tehran civil time (UTC offset, local day, local time to UTC).
 *
 * Pure functions: no I/O, no allocation, no shared state; thread-safe.
 *
 * Leap years follow Borkowski's 33-year cycle with break years (as in
 * jalaali-js), not Birashk's 2820-year rule, which gets 1403/1404 wrong.
 * For 1300..1500 SH it agrees with the official (astronomical) calendar and
 * with ICU's Persian calendar on every day.  Years 1..3000 are accepted;
 * far from the present the arithmetic may drift from the astronomical
 * calendar by a day, which CRS does not care about.
 */
#ifndef CRS_JALALI_H
#define CRS_JALALI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	JALALI_OK = 0,
	JALALI_EINVAL = -1,   /* no such date, or argument out of range */
	JALALI_EPARSE = -2,   /* text is not YYYY/MM/DD */
	JALALI_ENOSPACE = -3, /* output buffer too small */
	JALALI_ERANGE = -4    /* instant or day outside the supported range */
};

#define JALALI_YEAR_MIN 1
#define JALALI_YEAR_MAX 3000

/* Buffer sizes for the formatters, NUL included. */
#define JALALI_FMT_SIZE 11    /* "1403/01/01" */
#define JALALI_FMT_FA_SIZE 19 /* "۱۴۰۳/۰۱/۰۱": two bytes a digit */
#define JALALI_FMT_FA_LONG_SIZE 31 /* "۳۱ اردیبهشت ۱۴۰۳" */

/* Seconds east of UTC of Iran Standard Time and of Iran Daylight Time. */
#define JALALI_IRST_OFFSET 12600
#define JALALI_IRDT_OFFSET 16200

struct jalali_date {
	int year;
	int month; /* 1 = Farvardin .. 12 = Esfand */
	int day;
};

bool jalali_is_leap(int jy);

/* 29..31, or JALALI_EINVAL for a year or month out of range. */
int jalali_month_length(int jy, int jm);

bool jalali_valid(int jy, int jm, int jd);

int jalali_to_jdn(const struct jalali_date *d, int32_t *jdn);
int jalali_from_jdn(int32_t jdn, struct jalali_date *out);

/* Proleptic Gregorian calendar; month 1..12.  Validates the date. */
int jalali_gregorian_to_jdn(int gy, int gm, int gd, int32_t *jdn);
int jalali_jdn_to_gregorian(int32_t jdn, int *gy, int *gm, int *gd);
int jalali_to_gregorian(const struct jalali_date *d, int *gy, int *gm,
			int *gd);
int jalali_from_gregorian(int gy, int gm, int gd, struct jalali_date *out);

/* Day of the Persian week: 0 = Saturday (shanbeh) .. 6 = Friday (jomeh). */
int jalali_weekday(int32_t jdn);

/* Persian names, UTF-8; NULL when out of range. */
const char *jalali_month_name(int jm);     /* 1..12: فروردین .. اسفند */
const char *jalali_weekday_name(int wday); /* 0..6: شنبه .. جمعه */

/*
 * Syntax only, shared with the Hijri calendar: optional blanks (ASCII white
 * space and invisible direction marks), a 4-digit year, '/', a 1-2 digit
 * month, '/', a 1-2 digit day, optional blanks.  Digits may be ASCII,
 * Persian or Arabic-Indic.  Returns JALALI_OK or JALALI_EPARSE.
 */
int jalali_parse_ymd(const char *s, int *y, int *m, int *d);

/* jalali_parse_ymd() plus a real Jalali date: JALALI_EPARSE/EINVAL. */
int jalali_parse(const char *s, struct jalali_date *out);

/* "1403/01/01", ASCII, zero-padded: what the API and the database use. */
int jalali_format(const struct jalali_date *d, char *out, size_t outsz);

/* "۱۴۰۳/۰۱/۰۱": the same with Persian digits, for receipts. */
int jalali_format_fa(const struct jalali_date *d, char *out, size_t outsz);

/* "۱ فروردین ۱۴۰۳": day, month name, year, Persian digits, for receipts. */
int jalali_format_fa_long(const struct jalali_date *d, char *out,
			  size_t outsz);

/*
 * Age in full solar years on the day today, or JALALI_EINVAL when a date is
 * invalid or birth is after today.  The birthday is reached when
 * (month, day) of today is not before (month, day) of birth.  So a person
 * born on 30 Esfand of a leap year, in a year whose Esfand has 29 days,
 * reaches the birthday on 1 Farvardin of the next year (after 29 Esfand),
 * never early: civil age is never granted before the full time has passed.
 */
int jalali_age_years(const struct jalali_date *birth,
		     const struct jalali_date *today);

/*
 * The last birth day (JDN) of those who are `years` old or more on today
 * by jalali_age_years: the same month and day `years` earlier, 30 Esfand
 * of a common year taken as its 29th.  JALALI_OK or JALALI_EINVAL.
 */
int jalali_born_by(const struct jalali_date *today, int years, int32_t *jdn);

/*
 * UTC offset of Tehran civil time at an instant, as tzdata has it: +03:30,
 * or +04:30 from 24:00 of 1 Farvardin to 24:00 of 30 Shahrivar in 1371..1384
 * (1992..2005) and 1387..1401 (2008..2022), and from 13 Ordibehesht 1370
 * (3 May 1991) in 1370.  Iran abolished DST after 1401/06/30
 * (2022-09-21).  Earlier instants are taken as +03:30 (tzdata knows DST in
 * 1978-1980 too, which CRS never needs).
 */
int jalali_tehran_offset_seconds(time_t utc);

/* The Tehran civil day (JDN) and second of that day (0..86399) of utc. */
int jalali_tehran_local(time_t utc, int32_t *jdn, int *sec_of_day);

/* The Jalali date in Tehran at the instant utc: "today" for the server. */
int jalali_from_unix(time_t utc, struct jalali_date *out);

/*
 * The UTC instant of a Tehran wall-clock time (sec_of_day 0..86399 on the
 * day jdn).  A wall time that happened twice (the hour before 24:00 of
 * 30 Shahrivar in a DST year) gives the earlier instant; one that never
 * happened (00:00..01:00 of 2 Farvardin) is read with +03:30, landing an
 * hour later on the clock, as mktime() does.
 */
int jalali_tehran_to_utc(int32_t jdn, int sec_of_day, time_t *out);

#endif /* CRS_JALALI_H */
