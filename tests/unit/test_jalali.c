/*
 * Unit tests for core/jalali.c: leap years, Nowruz and other known dates,
 * every day of 1300..1500 round-tripped, parsing and formatting, ages
 * (30 Esfand included), Tehran offsets around the DST switches.
 *
 * Expected dates and the leap-year list were checked against ICU 72's
 * Persian calendar, which agrees with this module on every day of
 * 1300..1500 (see the report that came with the module).
 */
#include "unit.h"

#include "jalali.h"

#include <stdint.h>
#include <string.h>

#define UNIX_EPOCH_JDN 2440588

/*
 * Leap years 1300..1500 as ICU 72 has them (1403 leap, 1404 not, as on
 * Iran's printed calendars).
 */
static const int leap_years[] = {
	1300, 1304, 1309, 1313, 1317, 1321, 1325, 1329, 1333, 1337,
	1342, 1346, 1350, 1354, 1358, 1362, 1366, 1370, 1375, 1379,
	1383, 1387, 1391, 1395, 1399, 1403, 1408, 1412, 1416, 1420,
	1424, 1428, 1432, 1436, 1441, 1445, 1449, 1453, 1457, 1461,
	1465, 1469, 1474, 1478, 1482, 1486, 1490, 1494, 1498,
};

/* Jalali date -> Gregorian date, both directions. */
static int pair_is(int jy, int jm, int jd, int gy, int gm, int gd)
{
	struct jalali_date j = {jy, jm, jd}, back;
	int y, m, d;

	if (jalali_to_gregorian(&j, &y, &m, &d) != 0 || y != gy || m != gm ||
	    d != gd) {
		unit_note("%d/%d/%d -> %d-%d-%d", jy, jm, jd, y, m, d);
		return 0;
	}
	if (jalali_from_gregorian(gy, gm, gd, &back) != 0 || back.year != jy ||
	    back.month != jm || back.day != jd) {
		unit_note("%d-%d-%d -> %d/%d/%d", gy, gm, gd, back.year,
			  back.month, back.day);
		return 0;
	}
	return 1;
}

static int32_t jdn_of(int jy, int jm, int jd)
{
	struct jalali_date d = {jy, jm, jd};
	int32_t jdn = 0;

	jalali_to_jdn(&d, &jdn);
	return jdn;
}

static int age_is(int by, int bm, int bd, int ty, int tm, int td, int want)
{
	struct jalali_date b = {by, bm, bd}, t = {ty, tm, td};
	int got = jalali_age_years(&b, &t);

	if (got != want) {
		unit_note("age %d/%d/%d on %d/%d/%d = %d, want %d", by, bm, bd,
			  ty, tm, td, got, want);
		return 0;
	}
	return 1;
}

static int parse_is(const char *s, int want_rc, int y, int m, int d)
{
	struct jalali_date out = {0, 0, 0};
	int rc = jalali_parse(s, &out);

	if (rc != want_rc ||
	    (rc == 0 && (out.year != y || out.month != m || out.day != d))) {
		unit_note("jalali_parse(\"%s\") = %d %d/%d/%d", s, rc, out.year,
			  out.month, out.day);
		return 0;
	}
	return 1;
}

/* UTC instant of a Gregorian date and time of day, without jalali.c's
 * Tehran code. */
static time_t utc(int gy, int gm, int gd, int h, int mi, int s)
{
	int32_t jdn = 0;

	jalali_gregorian_to_jdn(gy, gm, gd, &jdn);
	return (time_t)(((long long)jdn - UNIX_EPOCH_JDN) * 86400 +
			h * 3600 + mi * 60 + s);
}

static void test_leap(void)
{
	size_t k = 0;
	int y, bad = 0;

	for (y = 1300; y <= 1500; y++) {
		bool want = k < sizeof(leap_years) / sizeof(leap_years[0]) &&
			    leap_years[k] == y;

		if (want)
			k++;
		if (jalali_is_leap(y) != want && bad++ == 0)
			unit_note("year %d leap=%d", y, jalali_is_leap(y));
	}
	CHECKF(bad == 0, "leap years 1300..1500 match the official list");
	CHECK(jalali_is_leap(1403));
	CHECK(!jalali_is_leap(1404));
	CHECK(jalali_is_leap(1399));
	CHECK(!jalali_is_leap(1400));
	CHECK(jalali_is_leap(1408));
	CHECK(!jalali_is_leap(0));
	CHECK(!jalali_is_leap(JALALI_YEAR_MAX + 1));

	CHECK_EQ_INT(jalali_month_length(1403, 1), 31);
	CHECK_EQ_INT(jalali_month_length(1403, 6), 31);
	CHECK_EQ_INT(jalali_month_length(1403, 7), 30);
	CHECK_EQ_INT(jalali_month_length(1403, 11), 30);
	CHECK_EQ_INT(jalali_month_length(1403, 12), 30);
	CHECK_EQ_INT(jalali_month_length(1404, 12), 29);
	CHECK_EQ_INT(jalali_month_length(1404, 0), JALALI_EINVAL);
	CHECK_EQ_INT(jalali_month_length(1404, 13), JALALI_EINVAL);
	CHECK_EQ_INT(jalali_month_length(0, 1), JALALI_EINVAL);

	CHECK(jalali_valid(1403, 12, 30));
	CHECK(!jalali_valid(1404, 12, 30));
	CHECK(jalali_valid(1404, 12, 29));
	CHECK(jalali_valid(1404, 6, 31));
	CHECK(!jalali_valid(1404, 7, 31));
	CHECK(!jalali_valid(1404, 1, 32));
	CHECK(!jalali_valid(1404, 1, 0));
	CHECK(!jalali_valid(1404, 0, 1));
	CHECK(!jalali_valid(1404, 13, 1));
}

static void test_known_dates(void)
{
	/* Nowruz. */
	CHECK(pair_is(1403, 1, 1, 2024, 3, 20));
	CHECK(pair_is(1404, 1, 1, 2025, 3, 21));
	CHECK(pair_is(1399, 1, 1, 2020, 3, 20));
	CHECK(pair_is(1354, 1, 1, 1975, 3, 21));
	CHECK(pair_is(1300, 1, 1, 1921, 3, 21));
	CHECK(pair_is(1304, 1, 1, 1925, 3, 21));
	CHECK(pair_is(1405, 1, 1, 2026, 3, 21));
	CHECK(pair_is(1500, 1, 1, 2121, 3, 21));
	/* Leap days and the end of Esfand. */
	CHECK(pair_is(1403, 12, 30, 2025, 3, 20));
	CHECK(pair_is(1404, 12, 29, 2026, 3, 20));
	CHECK(pair_is(1399, 12, 30, 2021, 3, 20));
	CHECK(pair_is(1500, 12, 29, 2122, 3, 20));
	/* Others. */
	CHECK(pair_is(1357, 11, 22, 1979, 2, 11));
	CHECK(pair_is(1369, 3, 19, 1990, 6, 9));   /* the manual's example */
	CHECK(pair_is(1401, 6, 31, 2022, 9, 22));
	CHECK(pair_is(1401, 7, 1, 2022, 9, 23));
	CHECK(pair_is(1403, 9, 10, 2024, 11, 30));

	/* JDN anchors. */
	{
		int32_t j = 0;
		int y, m, d;

		CHECK(jalali_gregorian_to_jdn(2000, 1, 1, &j) == 0 &&
		      j == 2451545);
		CHECK(jalali_gregorian_to_jdn(1970, 1, 1, &j) == 0 &&
		      j == UNIX_EPOCH_JDN);
		CHECK(jalali_gregorian_to_jdn(1582, 10, 15, &j) == 0 &&
		      j == 2299161);
		CHECK(jalali_jdn_to_gregorian(2451545, &y, &m, &d) == 0 &&
		      y == 2000 && m == 1 && d == 1);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(2023, 2, 29, &j),
			     JALALI_EINVAL);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(1900, 2, 29, &j),
			     JALALI_EINVAL);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(2000, 2, 29, &j), 0);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(2024, 2, 29, &j), 0);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(2024, 4, 31, &j),
			     JALALI_EINVAL);
		CHECK_EQ_INT(jalali_gregorian_to_jdn(2024, 13, 1, &j),
			     JALALI_EINVAL);
		CHECK_EQ_INT(jalali_jdn_to_gregorian(-1, &y, &m, &d),
			     JALALI_ERANGE);
	}
	{
		struct jalali_date bad = {1404, 12, 30}, out;
		int32_t j;

		CHECK_EQ_INT(jalali_to_jdn(&bad, &j), JALALI_EINVAL);
		CHECK_EQ_INT(jalali_to_jdn(NULL, &j), JALALI_EINVAL);
		CHECK_EQ_INT(jalali_from_jdn(0, &out), JALALI_ERANGE);
		CHECK_EQ_INT(jalali_from_jdn(INT32_MAX, &out), JALALI_ERANGE);
	}
}

/*
 * Every day of 1300/01/01..1500/12/last: Jalali -> JDN is consecutive,
 * JDN -> Jalali gives the day back, the Gregorian round trip agrees, and
 * the weekday advances by one.
 */
static void test_every_day(void)
{
	int y, m, d, days = 0, bad_jdn = 0, bad_back = 0, bad_greg = 0;
	int bad_wday = 0;
	int32_t prev = jdn_of(1300, 1, 1) - 1;
	int prev_wd = jalali_weekday(prev);

	for (y = 1300; y <= 1500; y++) {
		for (m = 1; m <= 12; m++) {
			int len = jalali_month_length(y, m);

			for (d = 1; d <= len; d++) {
				struct jalali_date j = {y, m, d}, back;
				int32_t jdn = 0, jdn2 = 0;
				int gy, gm, gd, wd;

				days++;
				if (jalali_to_jdn(&j, &jdn) != 0 ||
				    jdn != prev + 1) {
					if (bad_jdn++ == 0)
						unit_note("gap at %d/%d/%d", y,
							  m, d);
				}
				if (jalali_from_jdn(jdn, &back) != 0 ||
				    back.year != y || back.month != m ||
				    back.day != d) {
					if (bad_back++ == 0)
						unit_note("back %d/%d/%d", y, m,
							  d);
				}
				if (jalali_jdn_to_gregorian(jdn, &gy, &gm,
							    &gd) != 0 ||
				    jalali_gregorian_to_jdn(gy, gm, gd,
							    &jdn2) != 0 ||
				    jdn2 != jdn) {
					if (bad_greg++ == 0)
						unit_note("greg %d/%d/%d", y, m,
							  d);
				}
				wd = jalali_weekday(jdn);
				if (wd != (prev_wd + 1) % 7 && bad_wday++ == 0)
					unit_note("weekday %d/%d/%d", y, m, d);
				prev = jdn;
				prev_wd = wd;
			}
		}
	}
	CHECKF(bad_jdn == 0, "days of 1300..1500 are consecutive (%d days)",
	       days);
	CHECKF(bad_back == 0, "Jalali->JDN->Jalali for every day");
	CHECKF(bad_greg == 0, "JDN->Gregorian->JDN for every day");
	CHECKF(bad_wday == 0, "weekday advances by one every day");
	/* 201 years, 49 of them leap. */
	CHECK_EQ_INT(days, 201 * 365 + 49);
}

static void test_weekday(void)
{
	CHECK_EQ_INT(jalali_weekday(jdn_of(1403, 1, 1)), 4); /* Wednesday */
	CHECK_EQ_INT(jalali_weekday(jdn_of(1404, 1, 1)), 6); /* Friday */
	CHECK_EQ_INT(jalali_weekday(jdn_of(1403, 9, 10)), 0); /* Saturday */
	CHECK_EQ_INT(jalali_weekday(jdn_of(1357, 11, 22)), 1); /* Sunday */
	CHECK_EQ_INT(jalali_weekday(2451545), 0); /* 2000-01-01, Saturday */
	CHECK_STR(jalali_weekday_name(0), "شنبه");
	CHECK_STR(jalali_weekday_name(3), "سه\u200cشنبه");
	CHECK_STR(jalali_weekday_name(6), "جمعه");
	CHECK(jalali_weekday_name(7) == NULL);
	CHECK(jalali_weekday_name(-1) == NULL);
	CHECK_STR(jalali_month_name(1), "فروردین");
	CHECK_STR(jalali_month_name(3), "خرداد");
	CHECK_STR(jalali_month_name(12), "اسفند");
	CHECK(jalali_month_name(0) == NULL);
	CHECK(jalali_month_name(13) == NULL);
}

static void test_parse(void)
{
	CHECK(parse_is("1403/01/01", 0, 1403, 1, 1));
	CHECK(parse_is("1403/1/1", 0, 1403, 1, 1));
	CHECK(parse_is("1403/12/30", 0, 1403, 12, 30));
	CHECK(parse_is("۱۴۰۳/۰۱/۰۱", 0, 1403, 1, 1));
	CHECK(parse_is("١٤٠٣/٠١/٠١", 0, 1403, 1, 1));
	CHECK(parse_is("۱۳۶۹/3/۱۹", 0, 1369, 3, 19));
	CHECK(parse_is(" 1369/03/19 ", 0, 1369, 3, 19));
	CHECK(parse_is("\u200f۱۴۰۳/۰۱/۰۱\u200e", 0, 1403, 1, 1));
	CHECK(parse_is("1404/12/30", JALALI_EINVAL, 0, 0, 0));
	CHECK(parse_is("1404/13/01", JALALI_EINVAL, 0, 0, 0));
	CHECK(parse_is("1404/07/31", JALALI_EINVAL, 0, 0, 0));
	CHECK(parse_is("1404/00/10", JALALI_EINVAL, 0, 0, 0));
	CHECK(parse_is("0000/01/01", JALALI_EINVAL, 0, 0, 0));
	CHECK(parse_is("14030101", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403-01-01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("03/01/01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("14030/01/01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403/001/01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403/01/001", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403/01/", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403/01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403/01/01x", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("1403 /01/01", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is("", JALALI_EPARSE, 0, 0, 0));
	CHECK(parse_is(NULL, JALALI_EPARSE, 0, 0, 0));
	{
		int y = 0, m = 0, d = 0;

		/* Syntax only: no calendar check. */
		CHECK(jalali_parse_ymd("1446/12/30", &y, &m, &d) == 0 &&
		      y == 1446 && m == 12 && d == 30);
		CHECK(jalali_parse_ymd("1446/99/99", &y, &m, &d) == 0);
	}
}

static void test_format(void)
{
	struct jalali_date d = {1403, 1, 1}, b = {1369, 3, 19};
	struct jalali_date bad = {1404, 12, 30};
	char out[64];

	CHECK_EQ_INT(jalali_format(&d, out, sizeof(out)), 0);
	CHECK_STR(out, "1403/01/01");
	CHECK_EQ_INT(jalali_format(&b, out, JALALI_FMT_SIZE), 0);
	CHECK_STR(out, "1369/03/19");
	CHECK_EQ_INT(jalali_format(&b, out, JALALI_FMT_SIZE - 1),
		     JALALI_ENOSPACE);
	CHECK_STR(out, "");
	CHECK_EQ_INT(jalali_format(&bad, out, sizeof(out)), JALALI_EINVAL);
	CHECK_EQ_INT(jalali_format_fa(&d, out, JALALI_FMT_FA_SIZE), 0);
	CHECK_STR(out, "۱۴۰۳/۰۱/۰۱");
	CHECK_EQ_INT(jalali_format_fa(&d, out, JALALI_FMT_FA_SIZE - 1),
		     JALALI_ENOSPACE);
	CHECK_EQ_INT(jalali_format_fa_long(&d, out, sizeof(out)), 0);
	CHECK_STR(out, "۱ فروردین ۱۴۰۳");
	CHECK_EQ_INT(jalali_format_fa_long(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "۱۹ خرداد ۱۳۶۹");
	{
		struct jalali_date e = {1403, 2, 31};

		/* The longest there is. */
		CHECK_EQ_INT(jalali_format_fa_long(&e, out,
						   JALALI_FMT_FA_LONG_SIZE), 0);
		CHECK_STR(out, "۳۱ اردیبهشت ۱۴۰۳");
		CHECK_EQ_INT(jalali_format_fa_long(&e, out,
						   JALALI_FMT_FA_LONG_SIZE - 1),
			     JALALI_ENOSPACE);
	}
	CHECK_EQ_INT(jalali_format_fa_long(&b, out, 10), JALALI_ENOSPACE);
	CHECK_STR(out, "");
	/* Parse what we format, in both scripts. */
	{
		struct jalali_date back;

		jalali_format_fa(&b, out, sizeof(out));
		CHECK(jalali_parse(out, &back) == 0 && back.year == 1369 &&
		      back.month == 3 && back.day == 19);
	}
}

static void test_age(void)
{
	/* Ordinary birthdays. */
	CHECK(age_is(1369, 3, 19, 1384, 3, 18, 14));
	CHECK(age_is(1369, 3, 19, 1384, 3, 19, 15));
	CHECK(age_is(1369, 3, 19, 1403, 9, 10, 34));
	CHECK(age_is(1369, 3, 19, 1369, 3, 19, 0));
	CHECK(age_is(1388, 1, 1, 1403, 1, 1, 15));
	CHECK(age_is(1388, 1, 1, 1402, 12, 29, 14));
	CHECK(age_is(1369, 3, 19, 1369, 3, 18, JALALI_EINVAL));
	CHECK(age_is(1369, 3, 19, 1368, 12, 29, JALALI_EINVAL));
	CHECK(age_is(1404, 12, 30, 1405, 1, 1, JALALI_EINVAL));
	/*
	 * Born 30 Esfand 1399 (leap).  1414 is not leap: the 15th birthday
	 * is reached on 1 Farvardin 1415, the day after 29 Esfand 1414.
	 */
	CHECK(!jalali_is_leap(1414));
	CHECK(age_is(1399, 12, 30, 1414, 12, 29, 14));
	CHECK(age_is(1399, 12, 30, 1415, 1, 1, 15));
	/* In a leap year the birthday is 30 Esfand itself. */
	CHECK(age_is(1370, 12, 30, 1403, 12, 29, 32));
	CHECK(age_is(1370, 12, 30, 1403, 12, 30, 33));
	CHECK(age_is(1370, 12, 30, 1404, 12, 29, 33));
	CHECK(age_is(1370, 12, 30, 1405, 1, 1, 34));
	CHECK(age_is(1403, 12, 30, 1404, 12, 29, 0));
	CHECK(age_is(1403, 12, 30, 1405, 1, 1, 1));
	/* 29 Esfand birthdays are unaffected. */
	CHECK(age_is(1370, 12, 29, 1404, 12, 29, 34));
	CHECK(age_is(1370, 12, 29, 1403, 12, 29, 33));
	{
		struct jalali_date b = {1370, 1, 1};

		CHECK_EQ_INT(jalali_age_years(&b, NULL), JALALI_EINVAL);
		CHECK_EQ_INT(jalali_age_years(NULL, &b), JALALI_EINVAL);
	}
}

static void test_tehran_offset(void)
{
	/* No DST any more. */
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2023, 7, 1, 12, 0, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2024, 7, 1, 0, 0, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2025, 1, 1, 0, 0, 0)),
		     12600);
	/* 2022: the last DST, switches as in tzdata. */
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2022, 3, 21, 20, 29, 59)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2022, 3, 21, 20, 30, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2022, 9, 21, 19, 29, 59)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2022, 9, 21, 19, 30, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2022, 12, 1, 0, 0, 0)),
		     12600);
	/* 2008, the first year after the 2006-2007 pause. */
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2008, 3, 20, 20, 29, 59)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2008, 3, 20, 20, 30, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2008, 9, 20, 19, 29, 59)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2008, 9, 20, 19, 30, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2021, 7, 1, 0, 0, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2020, 3, 20, 20, 30, 0)),
		     16200);   /* leap 1399: Nowruz on 20 March */
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2020, 3, 20, 20, 29, 59)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2006, 7, 1, 0, 0, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2007, 7, 1, 0, 0, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(2005, 7, 1, 0, 0, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1996, 3, 20, 20, 30, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1996, 9, 20, 19, 30, 0)),
		     12600);
	/* 1370: DST only from 13 Ordibehesht (3 May 1991). */
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1991, 4, 1, 0, 0, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1991, 5, 2, 20, 29, 59)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1991, 5, 2, 20, 30, 0)),
		     16200);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1991, 9, 21, 19, 30, 0)),
		     12600);
	CHECK_EQ_INT(jalali_tehran_offset_seconds(utc(1985, 7, 1, 0, 0, 0)),
		     12600);
}

static void test_tehran_local(void)
{
	struct jalali_date d;
	int32_t jdn;
	int sec;
	time_t t;

	/* Nowruz 1403 began at 2024-03-19T20:30Z. */
	CHECK(jalali_from_unix(utc(2024, 3, 19, 20, 30, 0), &d) == 0 &&
	      d.year == 1403 && d.month == 1 && d.day == 1);
	CHECK(jalali_from_unix(utc(2024, 3, 19, 20, 29, 59), &d) == 0 &&
	      d.year == 1402 && d.month == 12 && d.day == 29);
	CHECK(jalali_tehran_local(utc(2024, 3, 20, 4, 30, 0), &jdn, &sec) ==
		      0 &&
	      jdn == jdn_of(1403, 1, 1) && sec == 8 * 3600);
	/* In DST, +04:30. */
	CHECK(jalali_tehran_local(utc(2021, 6, 26, 3, 30, 0), &jdn, &sec) ==
		      0 &&
	      jdn == jdn_of(1400, 4, 5) && sec == 8 * 3600);
	CHECK(jalali_tehran_local(utc(1969, 12, 31, 23, 0, 0), &jdn, &sec) ==
		      0 &&
	      sec == 2 * 3600 + 1800);

	/* Wall clock to UTC. */
	CHECK(jalali_tehran_to_utc(jdn_of(1403, 1, 1), 8 * 3600, &t) == 0 &&
	      t == utc(2024, 3, 20, 4, 30, 0));
	CHECK(jalali_tehran_to_utc(jdn_of(1400, 4, 5), 8 * 3600, &t) == 0 &&
	      t == utc(2021, 6, 26, 3, 30, 0));
	/* 2 Farvardin 1401 00:30 never happened: read as +03:30 (= 01:30
	 * DST). */
	CHECK(jalali_tehran_to_utc(jdn_of(1401, 1, 2), 1800, &t) == 0 &&
	      t == utc(2022, 3, 21, 21, 0, 0));
	CHECK(jalali_tehran_local(t, &jdn, &sec) == 0 &&
	      jdn == jdn_of(1401, 1, 2) && sec == 5400);
	/* 30 Shahrivar 1401 23:30 happened twice: the earlier one. */
	CHECK(jalali_tehran_to_utc(jdn_of(1401, 6, 30), 23 * 3600 + 1800, &t) ==
		      0 &&
	      t == utc(2022, 9, 21, 19, 0, 0));
	CHECK(jalali_tehran_local(utc(2022, 9, 21, 20, 0, 0), &jdn, &sec) ==
		      0 &&
	      jdn == jdn_of(1401, 6, 30) && sec == 23 * 3600 + 1800);
	CHECK_EQ_INT(jalali_tehran_to_utc(jdn_of(1403, 1, 1), -1, &t),
		     JALALI_EINVAL);
	CHECK_EQ_INT(jalali_tehran_to_utc(jdn_of(1403, 1, 1), 86400, &t),
		     JALALI_EINVAL);
	CHECK_EQ_INT(jalali_tehran_to_utc(0, 0, &t), JALALI_ERANGE);
}

/*
 * Local time -> UTC -> local time gives the wall clock back for every
 * half hour of 1400 and 1401 (both with DST) except the skipped hour.
 */
static void test_tehran_round_trip(void)
{
	int32_t d, first = jdn_of(1400, 1, 1), last = jdn_of(1401, 12, 29);
	int bad = 0, n = 0;

	for (d = first; d <= last; d++) {
		int s;

		for (s = 0; s < 86400; s += 1800) {
			struct jalali_date jd;
			time_t t;
			int32_t back;
			int bs;

			jalali_from_jdn(d, &jd);
			if (jd.month == 1 && jd.day == 2 && s < 3600)
				continue;
			n++;
			if (jalali_tehran_to_utc(d, s, &t) != 0 ||
			    jalali_tehran_local(t, &back, &bs) != 0 ||
			    back != d || bs != s) {
				if (bad++ == 0)
					unit_note("round trip %d %d", (int)d,
						  s);
			}
		}
	}
	CHECKF(bad == 0, "Tehran wall clock round trip (%d instants)", n);
}

/* jalali_born_by agrees with jalali_age_years: on every day of 1380..1420
 * (33 and 29 Esfand both), a person born within a week of the cutoff is 15
 * exactly when born on or before it. */
static void test_born_by(void)
{
	int32_t from, to, d, b, cut;
	struct jalali_date t, bd;
	int bad = 0, n = 0;

	jalali_to_jdn(&(struct jalali_date){ 1380, 1, 1 }, &from);
	jalali_to_jdn(&(struct jalali_date){ 1420, 12, 29 }, &to);
	for (d = from; d <= to; d++) {
		jalali_from_jdn(d, &t);
		if (jalali_born_by(&t, 15, &cut) != JALALI_OK) {
			bad++;
			continue;
		}
		for (b = cut - 7; b <= cut + 7; b++, n++) {
			jalali_from_jdn(b, &bd);
			if ((jalali_age_years(&bd, &t) >= 15) != (b <= cut) && bad++ == 0)
				unit_note("today %d/%d/%d born %d/%d/%d", t.year, t.month,
				          t.day, bd.year, bd.month, bd.day);
		}
	}
	CHECKF(bad == 0, "born_by agrees with age_years (%d pairs)", n);
	CHECK_EQ_INT(jalali_born_by(NULL, 15, &cut), JALALI_EINVAL);
	CHECK_EQ_INT(jalali_born_by(&(struct jalali_date){ 1400, 13, 1 }, 15, &cut),
	             JALALI_EINVAL);
	CHECK_EQ_INT(jalali_born_by(&(struct jalali_date){ 1400, 1, 1 }, -1, &cut),
	             JALALI_EINVAL);
}

int main(void)
{
	test_leap();
	test_known_dates();
	test_every_day();
	test_weekday();
	test_parse();
	test_format();
	test_age();
	test_born_by();
	test_tehran_offset();
	test_tehran_local();
	test_tehran_round_trip();
	return unit_done();
}
