/*
 * workhours: working seconds between two instants, and the instant a
 * number of working seconds after another, in Tehran office hours.  See
 * workhours.h.
 */
#include "config.h"

#include "workhours.h"
#include "jalali.h"

#define HOUR 3600
#define DAY_SECONDS 86400
#define FRIDAY 6

/*
 * Office hours by Persian weekday (0 = Saturday).  All of them lie well
 * away from midnight, where Iran's DST switches happened, so every working
 * day has its full length whatever the offset.
 */
static const int open_at[7] = {
	8 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR, 0
};
static const int close_at[7] = {
	16 * HOUR, 16 * HOUR, 16 * HOUR, 16 * HOUR, 16 * HOUR, 12 * HOUR, 0
};
#define WEEK_SECONDS ((long long)(5 * 8 + 4) * HOUR)

/* Bounds for workhours_add(), far beyond any real use, against overflow. */
#define ADD_MAX_SECONDS (1000LL * 52 * WEEK_SECONDS)
#define ADD_MAX_HOLIDAYS 1000000LL

static int check_holidays(const int32_t *h, size_t n)
{
	size_t i;

	if (n > 0 && h == NULL)
		return WORKHOURS_EINVAL;
	for (i = 1; i < n; i++)
		if (h[i] < h[i - 1])
			return WORKHOURS_EUNSORTED;
	return WORKHOURS_OK;
}

/* Index of the first holiday >= jdn. */
static size_t lower_bound(const int32_t *h, size_t n, int32_t jdn)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h[mid] < jdn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_holiday(int32_t jdn, const int32_t *h, size_t n)
{
	size_t i = lower_bound(h, n, jdn);

	return i < n && h[i] == jdn;
}

static long long weekday_seconds(int32_t jdn)
{
	int wd = jalali_weekday(jdn);

	return close_at[wd] - open_at[wd];
}

bool workhours_is_workday(int32_t jdn, const int32_t *holidays, size_t n)
{
	if (check_holidays(holidays, n) < 0)
		return false;
	return jalali_weekday(jdn) != FRIDAY && !is_holiday(jdn, holidays, n);
}

/* Working seconds of the whole days a..b (a <= b) in O(log n + k). */
static long long whole_days(int32_t a, int32_t b, const int32_t *h, size_t n)
{
	long long days = (long long)b - a + 1;
	long long total = days / 7 * WEEK_SECONDS;
	int32_t d;
	size_t i;

	for (d = (int32_t)(a + days / 7 * 7); d <= b; d++)
		total += weekday_seconds(d);
	for (i = lower_bound(h, n, a); i < n && h[i] <= b; i++)
		if (i == 0 || h[i] != h[i - 1])
			total -= weekday_seconds(h[i]);
	return total;
}

/* Working seconds of day d inside [from, to). */
static int day_part(int32_t d, long long from, long long to,
		    const int32_t *h, size_t n, long long *out)
{
	int wd = jalali_weekday(d);
	time_t o, c;
	long long lo, hi;

	*out = 0;
	if (wd == FRIDAY || is_holiday(d, h, n))
		return WORKHOURS_OK;
	if (jalali_tehran_to_utc(d, open_at[wd], &o) < 0 ||
	    jalali_tehran_to_utc(d, close_at[wd], &c) < 0)
		return WORKHOURS_ERANGE;
	lo = (long long)o > from ? (long long)o : from;
	hi = (long long)c < to ? (long long)c : to;
	if (hi > lo)
		*out = hi - lo;
	return WORKHOURS_OK;
}

/* from <= to; holidays already checked. */
static int between(long long from, long long to, const int32_t *h, size_t n,
		   long long *out)
{
	int32_t d0, d1;
	int s, rc;
	long long part;

	*out = 0;
	if (jalali_tehran_local((time_t)from, &d0, &s) < 0 ||
	    jalali_tehran_local((time_t)to, &d1, &s) < 0)
		return WORKHOURS_ERANGE;
	rc = day_part(d0, from, to, h, n, &part);
	if (rc < 0)
		return rc;
	*out += part;
	if (d1 != d0) {
		rc = day_part(d1, from, to, h, n, &part);
		if (rc < 0)
			return rc;
		*out += part;
	}
	/* Days strictly inside lie wholly in [from, to). */
	if ((long long)d1 - d0 >= 2)
		*out += whole_days(d0 + 1, d1 - 1, h, n);
	return WORKHOURS_OK;
}

int workhours_between(time_t from_utc, time_t to_utc,
		      const int32_t *holidays, size_t n, int64_t *out)
{
	long long from = (long long)from_utc, to = (long long)to_utc, total;
	int rc;

	if (out == NULL)
		return WORKHOURS_EINVAL;
	*out = 0;
	rc = check_holidays(holidays, n);
	if (rc < 0)
		return rc;
	if (to >= from)
		rc = between(from, to, holidays, n, &total);
	else
		rc = between(to, from, holidays, n, &total);
	if (rc < 0)
		return rc;
	*out = to >= from ? total : -total;
	return WORKHOURS_OK;
}

/* Whether t is an instant jalali.h can place in Tehran. */
static bool placeable(long long t)
{
	int32_t d;
	int s;

	if ((long long)(time_t)t != t)
		return false;
	return jalali_tehran_local((time_t)t, &d, &s) == 0;
}

int workhours_add(time_t from_utc, int64_t seconds, const int32_t *holidays,
		  size_t n, time_t *out)
{
	long long from = (long long)from_utc, lo, hi, weeks, nh, span, got;
	int rc;

	if (out == NULL || seconds < 0)
		return WORKHOURS_EINVAL;
	rc = check_holidays(holidays, n);
	if (rc < 0)
		return rc;
	if (!placeable(from))
		return WORKHOURS_ERANGE;
	if (seconds == 0) {
		*out = from_utc;
		return WORKHOURS_OK;
	}
	if (seconds > ADD_MAX_SECONDS)
		return WORKHOURS_ERANGE;

	/*
	 * An upper bound: W whole weeks hold W * 44 h less at most 8 h per
	 * holiday, and the first, partial week may hold nothing.
	 */
	weeks = (seconds + WEEK_SECONDS - 1) / WEEK_SECONDS;
	nh = (long long)n < ADD_MAX_HOLIDAYS ? (long long)n : ADD_MAX_HOLIDAYS;
	span = 7LL * (weeks + nh + 2) * DAY_SECONDS;
	while (span > 0 && !placeable(from + span))
		span /= 2;
	hi = from + span;
	rc = between(from, hi, holidays, n, &got);
	if (rc < 0)
		return rc;
	if (got < seconds)
		return WORKHOURS_ERANGE;

	/*
	 * Binary search keeps the answer consistent with between() by
	 * construction: between(from, lo) < seconds <= between(from, hi).
	 */
	lo = from;
	while (hi - lo > 1) {
		long long mid = lo + (hi - lo) / 2;

		rc = between(from, mid, holidays, n, &got);
		if (rc < 0)
			return rc;
		if (got >= seconds)
			hi = mid;
		else
			lo = mid;
	}
	*out = (time_t)hi;
	return WORKHOURS_OK;
}
