/*
 * Unit tests for core/workhours.c: working time across nights, Thursday
 * half-days, Fridays, holidays and the old DST switches; the 48-hour rule;
 * workhours_add() against workhours_between(), and both against a
 * minute-by-minute count.
 */
#include "unit.h"

#include "jalali.h"
#include "workhours.h"

#include <stdint.h>

#define H 3600LL
#define UNIX_EPOCH_JDN 2440588

static int32_t jdn_of(int y, int m, int d)
{
	struct jalali_date j = {y, m, d};
	int32_t jdn = 0;

	jalali_to_jdn(&j, &jdn);
	return jdn;
}

/* Tehran wall time at a given UTC offset, as a UTC instant. */
static time_t at_off(int y, int m, int d, int hh, int mm, int off)
{
	return (time_t)(((long long)jdn_of(y, m, d) - UNIX_EPOCH_JDN) * 86400 +
			hh * 3600 + mm * 60 - off);
}

/* Since 1401/07 Tehran is +03:30 all year. */
static time_t at(int y, int m, int d, int hh, int mm)
{
	return at_off(y, m, d, hh, mm, 12600);
}

static long long between(time_t a, time_t b, const int32_t *h, size_t n)
{
	int64_t s = -1;

	if (workhours_between(a, b, h, n, &s) != 0)
		return -999999;
	return s;
}

static time_t add(time_t a, long long secs, const int32_t *h, size_t n)
{
	time_t t = 0;

	if (workhours_add(a, secs, h, n, &t) != 0)
		return (time_t)-1;
	return t;
}

/* Working seconds in [a, b) counted a minute at a time (a, b on minutes). */
static long long brute(time_t a, time_t b, const int32_t *h, size_t n)
{
	long long total = 0, t;

	for (t = a; t < b; t += 60) {
		int32_t day;
		int sec, wd;
		size_t i;
		bool hol = false;

		jalali_tehran_local((time_t)t, &day, &sec);
		wd = jalali_weekday(day);
		for (i = 0; i < n; i++)
			hol = hol || h[i] == day;
		if (hol || wd == 6 || sec < 8 * 3600)
			continue;
		if (sec < (wd == 5 ? 12 : 16) * 3600)
			total += 60;
	}
	return total;
}

static void test_week(void)
{
	/* 1403/09/10 is a Saturday; 09/15 Thursday, 09/16 Friday. */
	CHECK_EQ_INT(jalali_weekday(jdn_of(1403, 9, 10)), 0);
	CHECK_EQ_INT(between(at(1403, 9, 10, 8, 0), at(1403, 9, 10, 16, 0),
			     NULL, 0), 8 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 7, 0), at(1403, 9, 10, 17, 0),
			     NULL, 0), 8 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 0, 0), at(1403, 9, 10, 8, 0),
			     NULL, 0), 0);
	CHECK_EQ_INT(between(at(1403, 9, 10, 16, 0), at(1403, 9, 11, 8, 0),
			     NULL, 0), 0);
	CHECK_EQ_INT(between(at(1403, 9, 10, 10, 0), at(1403, 9, 11, 10, 0),
			     NULL, 0), 8 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 10, 30), at(1403, 9, 10, 10, 31),
			     NULL, 0), 60);
	CHECK_EQ_INT(between(at(1403, 9, 10, 9, 0), at(1403, 9, 10, 9, 0),
			     NULL, 0), 0);
	/* Thursday is a half day, Friday none. */
	CHECK_EQ_INT(between(at(1403, 9, 15, 8, 0), at(1403, 9, 15, 23, 0),
			     NULL, 0), 4 * H);
	CHECK_EQ_INT(between(at(1403, 9, 15, 12, 0), at(1403, 9, 15, 16, 0),
			     NULL, 0), 0);
	CHECK_EQ_INT(between(at(1403, 9, 16, 0, 0), at(1403, 9, 17, 0, 0),
			     NULL, 0), 0);
	CHECK_EQ_INT(between(at(1403, 9, 15, 11, 0), at(1403, 9, 17, 9, 0),
			     NULL, 0), 2 * H);
	/* A whole week is 5 x 8 + 4 = 44 hours; four weeks 176. */
	CHECK_EQ_INT(between(at(1403, 9, 10, 0, 0), at(1403, 9, 17, 0, 0),
			     NULL, 0), 44 * H);
	CHECK_EQ_INT(between(at(1403, 9, 13, 12, 0), at(1403, 9, 20, 12, 0),
			     NULL, 0), 44 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 0, 0), at(1403, 10, 8, 0, 0),
			     NULL, 0), 176 * H);
	/* Backwards is negative. */
	CHECK_EQ_INT(between(at(1403, 9, 11, 10, 0), at(1403, 9, 10, 10, 0),
			     NULL, 0), -8 * H);
}

static void test_holidays(void)
{
	/* Sunday 1403/09/18 off; a Friday in the list changes nothing. */
	const int32_t hol[] = {jdn_of(1403, 9, 16), jdn_of(1403, 9, 18)};
	const int32_t dup[] = {jdn_of(1403, 9, 18), jdn_of(1403, 9, 18)};
	const int32_t unsorted[] = {jdn_of(1403, 9, 18), jdn_of(1403, 9, 16)};
	int64_t s;
	time_t t;

	CHECK_EQ_INT(between(at(1403, 9, 18, 0, 0), at(1403, 9, 19, 0, 0),
			     hol, 2), 0);
	CHECK_EQ_INT(between(at(1403, 9, 17, 12, 0), at(1403, 9, 19, 12, 0),
			     hol, 2), 8 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 0, 0), at(1403, 9, 24, 0, 0),
			     hol, 2), 80 * H);
	CHECK_EQ_INT(between(at(1403, 9, 10, 0, 0), at(1403, 9, 24, 0, 0),
			     dup, 2), 80 * H);
	CHECK(workhours_is_workday(jdn_of(1403, 9, 17), hol, 2));
	CHECK(!workhours_is_workday(jdn_of(1403, 9, 18), hol, 2));
	CHECK(!workhours_is_workday(jdn_of(1403, 9, 16), NULL, 0));
	CHECK(workhours_is_workday(jdn_of(1403, 9, 15), NULL, 0));
	CHECK(!workhours_is_workday(jdn_of(1403, 9, 17), unsorted, 2));

	CHECK_EQ_INT(workhours_between(at(1403, 9, 10, 0, 0),
				       at(1403, 9, 24, 0, 0), unsorted, 2, &s),
		     WORKHOURS_EUNSORTED);
	CHECK_EQ_INT(workhours_between(at(1403, 9, 10, 0, 0),
				       at(1403, 9, 24, 0, 0), NULL, 2, &s),
		     WORKHOURS_EINVAL);
	CHECK_EQ_INT(workhours_between(at(1403, 9, 10, 0, 0),
				       at(1403, 9, 24, 0, 0), NULL, 0, NULL),
		     WORKHOURS_EINVAL);
	CHECK_EQ_INT(workhours_add(at(1403, 9, 10, 0, 0), 3600, unsorted, 2,
				   &t), WORKHOURS_EUNSORTED);
	CHECK_EQ_INT(workhours_add(at(1403, 9, 10, 0, 0), -1, NULL, 0, &t),
		     WORKHOURS_EINVAL);
	CHECK_EQ_INT(workhours_add(at(1403, 9, 10, 0, 0), 1, NULL, 0, NULL),
		     WORKHOURS_EINVAL);
}

static void test_add(void)
{
	const int32_t hol[] = {jdn_of(1403, 9, 18)};
	const time_t sat = at(1403, 9, 10, 8, 0);

	/* The 48-hour rule from a Saturday morning: 44 h to Thursday noon,
	 * 4 more on the next Saturday. */
	CHECK_EQ_INT(add(sat, WORKHOURS_SERIAL_WAIT_SECONDS, NULL, 0),
		     at(1403, 9, 17, 12, 0));
	CHECK_EQ_INT(add(sat, WORKHOURS_SERIAL_WAIT_SECONDS, hol, 1),
		     at(1403, 9, 17, 12, 0));
	/* From Wednesday 15:00: 1 + 4 + 5 x 8 = 45 by Wednesday, then 3 h
	 * of Thursday. */
	CHECK_EQ_INT(add(at(1403, 9, 14, 15, 0), 48 * H, NULL, 0),
		     at(1403, 9, 22, 11, 0));
	/* The same with Sunday 09/18 off: one more working day. */
	CHECK_EQ_INT(add(at(1403, 9, 14, 15, 0), 48 * H, hol, 1),
		     at(1403, 9, 24, 15, 0));
	/* Ending exactly at closing time stays there. */
	CHECK_EQ_INT(add(sat, 8 * H, NULL, 0), at(1403, 9, 10, 16, 0));
	CHECK_EQ_INT(add(at(1403, 9, 15, 8, 0), 4 * H, NULL, 0),
		     at(1403, 9, 15, 12, 0));
	CHECK_EQ_INT(add(sat, 8 * H + 1, NULL, 0),
		     at(1403, 9, 11, 8, 0) + 1);
	/* Starting outside hours waits for the next opening. */
	CHECK_EQ_INT(add(at(1403, 9, 16, 20, 0), 1, NULL, 0),
		     at(1403, 9, 17, 8, 0) + 1);
	CHECK_EQ_INT(add(at(1403, 9, 15, 13, 0), H, NULL, 0),
		     at(1403, 9, 17, 9, 0));
	CHECK_EQ_INT(add(at(1403, 9, 10, 3, 0), H, NULL, 0),
		     at(1403, 9, 10, 9, 0));
	CHECK_EQ_INT(add(at(1403, 9, 10, 16, 0), 0, NULL, 0),
		     at(1403, 9, 10, 16, 0));
	CHECK_EQ_INT(add(at(1403, 9, 10, 16, 0), 1, NULL, 0),
		     at(1403, 9, 11, 8, 0) + 1);
	/* Nowruz 1404 (Friday 01/01) with 1..4 and 12..13 Farvardin off. */
	{
		const int32_t nowruz[] = {
			jdn_of(1403, 12, 30), jdn_of(1404, 1, 1),
			jdn_of(1404, 1, 2), jdn_of(1404, 1, 3),
			jdn_of(1404, 1, 4), jdn_of(1404, 1, 12),
			jdn_of(1404, 1, 13)
		};
		/* Wed 1403/12/29 14:00: 2 h, Thu 12/30 holiday, Fri, Sat-Mon
		 * holidays, Tue 01/05 8, Wed 8, Thu 4 (22), Sat 01/09 8,
		 * Sun 8 (38), Mon 01/11 8 (46), Tue 01/12 and Wed 01/13 off,
		 * Thu 01/14 2 h. */
		CHECK_EQ_INT(add(at(1403, 12, 29, 14, 0), 48 * H, nowruz, 7),
			     at(1404, 1, 14, 10, 0));
	}
}

/* Old DST years: office hours are wall-clock hours. */
static void test_dst(void)
{
	const int32_t nowruz[] = {
		jdn_of(1401, 1, 1), jdn_of(1401, 1, 2), jdn_of(1401, 1, 3),
		jdn_of(1401, 1, 4)
	};
	time_t a, b;

	/* Saturday 1400/04/05, in DST. */
	CHECK_EQ_INT(jalali_weekday(jdn_of(1400, 4, 5)), 0);
	CHECK_EQ_INT(between(at_off(1400, 4, 5, 8, 0, 16200),
			     at_off(1400, 4, 5, 16, 0, 16200), NULL, 0), 8 * H);
	CHECK_EQ_INT(between(at_off(1400, 4, 5, 7, 0, 12600),
			     at_off(1400, 4, 5, 16, 0, 16200), NULL, 0), 8 * H);
	CHECK_EQ_INT(add(at_off(1400, 4, 5, 8, 0, 16200), 8 * H, NULL, 0),
		     at_off(1400, 4, 5, 16, 0, 16200));
	/* Across the end of DST (24:00 of 1401/06/30, a Wednesday). */
	a = at_off(1401, 6, 30, 12, 0, 16200);
	b = at_off(1401, 7, 2, 12, 0, 12600);
	/* Wed 12-16 (DST), Thu 8-12, Fri, Sat 8-12. */
	CHECK_EQ_INT(between(a, b, NULL, 0), 4 * H + 4 * H + 4 * H);
	/* Across the start of DST with the Nowruz holidays (1401/01/01 is a
	 * Monday). */
	a = at_off(1400, 12, 28, 9, 0, 12600);
	b = at_off(1401, 1, 6, 9, 0, 16200);
	/* Sat 9-16, Sun 8-16, Mon-Thu off, Fri, Sat 8-9 (DST). */
	CHECK_EQ_INT(between(a, b, nowruz, 4), 7 * H + 8 * H + 1 * H);
	CHECK_EQ_INT(brute(a, b, nowruz, 4), 7 * H + 8 * H + 1 * H);
}

/* Windows where DST switched, Nowruz fell and a Thursday: compare with
 * the minute count over many sub-intervals. */
static void test_against_brute(void)
{
	const int32_t hol[] = {
		jdn_of(1401, 1, 1), jdn_of(1401, 1, 2), jdn_of(1401, 1, 3),
		jdn_of(1401, 1, 4), jdn_of(1401, 1, 12), jdn_of(1401, 1, 13),
		jdn_of(1401, 6, 27), jdn_of(1403, 9, 18)
	};
	const size_t n = sizeof(hol) / sizeof(hol[0]);
	static const int windows[][3] = {
		{1400, 12, 20}, {1401, 6, 20}, {1403, 9, 5}
	};
	uint64_t x = 7;
	int w, i, bad = 0, runs = 0;

	for (w = 0; w < 3; w++) {
		time_t base = at(windows[w][0], windows[w][1], windows[w][2],
				 0, 0);
		for (i = 0; i < 40; i++) {
			long long a, b;

			x = (x * 1664525u + 1013904223u) & 0xffffffffu;
			a = base + (long long)(x % (20 * 24 * 60)) * 60;
			x = (x * 1664525u + 1013904223u) & 0xffffffffu;
			b = a + (long long)(x % (14 * 24 * 60)) * 60;
			runs++;
			if (between((time_t)a, (time_t)b, hol, n) !=
				    brute((time_t)a, (time_t)b, hol, n) &&
			    bad++ == 0)
				unit_note("mismatch %lld..%lld", a, b);
		}
	}
	CHECKF(bad == 0, "between() equals the minute count (%d intervals)",
	       runs);
}

/*
 * workhours_add() is the inverse of workhours_between(): for random
 * starts over 1400..1404 (DST years included) and amounts up to 200 h,
 * between(from, add(from, s)) == s and one second less is s - 1.
 */
static void test_add_inverse(void)
{
	const int32_t hol[] = {
		jdn_of(1400, 1, 1), jdn_of(1400, 1, 2), jdn_of(1400, 1, 3),
		jdn_of(1400, 1, 4), jdn_of(1401, 1, 1), jdn_of(1401, 1, 2),
		jdn_of(1401, 1, 3), jdn_of(1401, 1, 4), jdn_of(1403, 1, 12),
		jdn_of(1403, 1, 13), jdn_of(1403, 12, 30), jdn_of(1404, 1, 1)
	};
	const size_t n = sizeof(hol) / sizeof(hol[0]);
	time_t start = at(1400, 1, 1, 0, 0);
	uint64_t x = 99;
	int i, bad = 0, bad_min = 0;

	for (i = 0; i < 3000; i++) {
		long long from, secs;
		time_t t;

		x = (x * 1664525u + 1013904223u) & 0xffffffffu;
		from = start + (long long)(x % (5u * 365 * 86400));
		x = (x * 1664525u + 1013904223u) & 0xffffffffu;
		/* Some tiny amounts, most up to 200 hours. */
		secs = (long long)(x % (i % 10 == 0 ? 3 : 200 * 3600));
		t = add((time_t)from, secs, hol, n);
		if (t == (time_t)-1 ||
		    between((time_t)from, t, hol, n) != secs) {
			if (bad++ == 0)
				unit_note("from %lld + %lld", from, secs);
			continue;
		}
		if (secs > 0 &&
		    between((time_t)from, t - 1, hol, n) != secs - 1 &&
		    bad_min++ == 0)
			unit_note("not minimal: from %lld + %lld", from, secs);
	}
	CHECKF(bad == 0, "between(from, add(from, s)) == s (%d cases)", i);
	CHECKF(bad_min == 0, "add() gives the earliest such instant");
}

static void test_range(void)
{
	time_t t;
	int64_t s;

	/* Far amounts are refused rather than looped over. */
	CHECK_EQ_INT(workhours_add(at(1403, 9, 10, 8, 0), INT64_MAX, NULL, 0,
				   &t), WORKHOURS_ERANGE);
	/* Years of working time still work: 52 weeks of 44 h is a year. */
	CHECK_EQ_INT(workhours_add(at(1403, 9, 10, 0, 0), 52 * 44 * H, NULL,
				   0, &t), 0);
	/* Thursday noon of the 52nd week: 362 days on. */
	CHECK_EQ_INT(t, at(1404, 9, 6, 12, 0));
	CHECK_EQ_INT(workhours_between(at(1403, 9, 10, 0, 0), t, NULL, 0, &s),
		     0);
	CHECK_EQ_INT(s, 52 * 44 * H);
}

int main(void)
{
	test_week();
	test_holidays();
	test_add();
	test_dst();
	test_against_brute();
	test_add_inverse();
	test_range();
	return unit_done();
}
