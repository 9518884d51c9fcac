/*
 * hijri: tabular islamic-civil calendar with Iran's announced month starts
 * laid over it.  See hijri.h.
 */
#include "config.h"

#include "hijri.h"
#include "digits.h"
#include "jalali.h"

#include <string.h>

static const char *const month_names[12] = {
	"محرم", "صفر", "ربیع\u200cالاول", "ربیع\u200cالثانی",
	"جمادی\u200cالاول", "جمادی\u200cالثانی", "رجب", "شعبان",
	"رمضان", "شوال", "ذی\u200cالقعده", "ذی\u200cالحجه"
};

/* Months counted from Muharram 1 AH: makes (year, month) one number. */
static long month_index(int y, int m)
{
	return (long)(y - 1) * 12 + (m - 1);
}

static void index_to_month(long idx, int *y, int *m)
{
	*y = (int)(idx / 12) + 1;
	*m = (int)(idx % 12) + 1;
}

static bool year_ok(int y)
{
	return y >= HIJRI_YEAR_MIN && y <= HIJRI_YEAR_MAX;
}

/* Day 1 of a tabular month; valid for any year >= 1. */
static int32_t tab_start(int y, int m)
{
	/* Leap days before year y, and ceil(29.5 * (m - 1)). */
	return (int32_t)(HIJRI_EPOCH_JDN - 1 + (long)(y - 1) * 354 +
			 (3 + 11L * y) / 30 + (59L * (m - 1) + 1) / 2 + 1);
}

bool hijri_is_leap(int hy)
{
	return year_ok(hy) && (14 + 11L * hy) % 30 < 11;
}

/* The tabular month containing jdn (jdn >= the epoch). */
static void tab_month_of(int32_t jdn, int *y, int *m)
{
	long ty = (30L * (jdn - HIJRI_EPOCH_JDN) + 10646) / 10631;
	int tm = 12;

	/* The closed form can be one year off at year ends; settle it. */
	if (ty < 1)
		ty = 1;
	while (ty > 1 && tab_start((int)ty, 1) > jdn)
		ty--;
	while (tab_start((int)ty + 1, 1) <= jdn)
		ty++;
	while (tm > 1 && tab_start((int)ty, tm) > jdn)
		tm--;
	*y = (int)ty;
	*m = tm;
}

static const struct hijri_month_start *
find(const struct hijri_month_start *ov, size_t n, long idx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long k = month_index(ov[mid].year, ov[mid].month);

		if (k == idx)
			return &ov[mid];
		if (k < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int32_t month_start(long idx, const struct hijri_month_start *ov,
			   size_t n)
{
	const struct hijri_month_start *e = find(ov, n, idx);
	int y, m;

	if (e != NULL)
		return e->jdn;
	index_to_month(idx, &y, &m);
	return tab_start(y, m);
}

/* Entry i on its own and against entry i - 1. */
static bool entry_ok(const struct hijri_month_start *ov, size_t i)
{
	const struct hijri_month_start *e = &ov[i];
	long shift, step, len;

	if (!year_ok(e->year) || e->month < 1 || e->month > 12)
		return false;
	shift = (long)e->jdn - tab_start(e->year, e->month);
	if (shift < -HIJRI_MAX_SHIFT || shift > HIJRI_MAX_SHIFT)
		return false;
	if (i == 0)
		return true;
	step = month_index(e->year, e->month) -
	       month_index(ov[i - 1].year, ov[i - 1].month);
	len = (long)e->jdn - ov[i - 1].jdn;
	return step > 1 || (step == 1 && (len == 29 || len == 30));
}

int hijri_overrides_check(const struct hijri_month_start *ov, size_t n,
			  size_t *bad)
{
	size_t i;

	if (n == 0)
		return HIJRI_OK;
	if (ov == NULL)
		return HIJRI_EINVAL;
	for (i = 0; i < n; i++) {
		if (!entry_ok(ov, i)) {
			if (bad != NULL)
				*bad = i;
			return HIJRI_ETABLE;
		}
	}
	return HIJRI_OK;
}

static int check_table(const struct hijri_month_start *ov, size_t n)
{
	return hijri_overrides_check(ov, n, NULL);
}

static int month_len(int y, int m, const struct hijri_month_start *ov,
		     size_t n)
{
	long idx = month_index(y, m);

	return (int)(month_start(idx + 1, ov, n) - month_start(idx, ov, n));
}

int hijri_month_length(int hy, int hm, const struct hijri_month_start *ov,
		       size_t n)
{
	int rc = check_table(ov, n);

	if (rc < 0)
		return rc;
	if (!year_ok(hy) || hm < 1 || hm > 12)
		return HIJRI_EINVAL;
	return month_len(hy, hm, ov, n);
}

static bool valid_date(const struct hijri_date *d,
		       const struct hijri_month_start *ov, size_t n)
{
	return d != NULL && year_ok(d->year) && d->month >= 1 &&
	       d->month <= 12 && d->day >= 1 &&
	       d->day <= month_len(d->year, d->month, ov, n);
}

bool hijri_valid(const struct hijri_date *d,
		 const struct hijri_month_start *ov, size_t n)
{
	return check_table(ov, n) == HIJRI_OK && valid_date(d, ov, n);
}

int hijri_to_jdn(const struct hijri_date *d,
		 const struct hijri_month_start *ov, size_t n, int32_t *jdn)
{
	int rc = check_table(ov, n);

	if (rc < 0)
		return rc;
	if (jdn == NULL || !valid_date(d, ov, n))
		return HIJRI_EINVAL;
	*jdn = month_start(month_index(d->year, d->month), ov, n) + d->day - 1;
	return HIJRI_OK;
}

/* Unchecked conversion for a table already known to be valid. */
static int from_jdn(int32_t jdn, const struct hijri_month_start *ov,
		    size_t n, struct hijri_date *out)
{
	long first = month_index(HIJRI_YEAR_MIN, 1);
	long last = month_index(HIJRI_YEAR_MAX, 12);
	long idx, c;
	int y, m;

	if (jdn < month_start(first, ov, n) ||
	    jdn >= month_start(last + 1, ov, n))
		return HIJRI_ERANGE;
	tab_month_of(jdn, &y, &m);
	idx = month_index(y, m);
	/*
	 * Announced starts are within HIJRI_MAX_SHIFT days of the tabular
	 * ones, so the real month is the tabular one or a neighbour.
	 */
	for (c = idx - 1; c <= idx + 1; c++) {
		int32_t s;

		if (c < first || c > last)
			continue;
		s = month_start(c, ov, n);
		if (s <= jdn && jdn < month_start(c + 1, ov, n)) {
			index_to_month(c, &out->year, &out->month);
			out->day = (int)(jdn - s) + 1;
			return HIJRI_OK;
		}
	}
	return HIJRI_ERANGE; /* unreachable with a checked table */
}

int hijri_from_jdn(int32_t jdn, const struct hijri_month_start *ov, size_t n,
		   struct hijri_date *out)
{
	int rc = check_table(ov, n);

	if (rc < 0)
		return rc;
	if (out == NULL)
		return HIJRI_EINVAL;
	return from_jdn(jdn, ov, n, out);
}

int hijri_options(int32_t jdn_birth, const struct hijri_month_start *ov,
		  size_t n, struct hijri_date out[HIJRI_OPTIONS])
{
	int rc = check_table(ov, n);
	int i;

	if (rc < 0)
		return rc;
	if (out == NULL)
		return HIJRI_EINVAL;
	for (i = 0; i < HIJRI_OPTIONS; i++) {
		int32_t day = jdn_birth - HIJRI_OPTIONS / 2 + i;

		rc = from_jdn(day, ov, n, &out[i]);
		if (rc < 0)
			return rc;
	}
	return HIJRI_OK;
}

int hijri_parse(const char *s, struct hijri_date *out)
{
	int y, m, d;

	if (out == NULL)
		return HIJRI_EINVAL;
	if (jalali_parse_ymd(s, &y, &m, &d) < 0)
		return HIJRI_EPARSE;
	if (!year_ok(y) || m < 1 || m > 12 || d < 1 || d > 30)
		return HIJRI_EINVAL;
	out->year = y;
	out->month = m;
	out->day = d;
	return HIJRI_OK;
}

/* Formatting needs no table: any day 1..30 of a month can be written. */
static bool printable(const struct hijri_date *d)
{
	return d != NULL && year_ok(d->year) && d->month >= 1 &&
	       d->month <= 12 && d->day >= 1 && d->day <= 30;
}

int hijri_format(const struct hijri_date *d, char *out, size_t outsz)
{
	size_t o = 0;

	if (out == NULL || outsz == 0)
		return HIJRI_EINVAL;
	out[0] = '\0';
	if (!printable(d))
		return HIJRI_EINVAL;
	if (!digits_put_number(out, outsz, &o, d->year, 4, false) ||
	    !digits_put_str(out, outsz, &o, "/") ||
	    !digits_put_number(out, outsz, &o, d->month, 2, false) ||
	    !digits_put_str(out, outsz, &o, "/") ||
	    !digits_put_number(out, outsz, &o, d->day, 2, false)) {
		out[0] = '\0';
		return HIJRI_ENOSPACE;
	}
	return HIJRI_OK;
}

int hijri_format_fa_long(const struct hijri_date *d, char *out,
			 size_t outsz)
{
	size_t o = 0;

	if (out == NULL || outsz == 0)
		return HIJRI_EINVAL;
	out[0] = '\0';
	if (!printable(d))
		return HIJRI_EINVAL;
	if (!digits_put_number(out, outsz, &o, d->day, 1, true) ||
	    !digits_put_str(out, outsz, &o, " ") ||
	    !digits_put_str(out, outsz, &o, month_names[d->month - 1]) ||
	    !digits_put_str(out, outsz, &o, " ") ||
	    !digits_put_number(out, outsz, &o, d->year, 1, true)) {
		out[0] = '\0';
		return HIJRI_ENOSPACE;
	}
	return HIJRI_OK;
}

const char *hijri_month_name(int hm)
{
	return hm >= 1 && hm <= 12 ? month_names[hm - 1] : NULL;
}
