/*
 * jalali: Solar Hijri calendar arithmetic, Gregorian and JDN conversion,
 * date text in and out, age, and Tehran civil time.  See jalali.h.
 */
#include "config.h"

#include "jalali.h"
#include "digits.h"

#include <string.h>

/* JDN of 1970-01-01, the Unix epoch. */
#define UNIX_EPOCH_JDN 2440588
#define DAY_SECONDS 86400

/*
 * Borkowski's break years: the 33-year leap pattern shifts at each one.
 * From K. M. Borkowski, "The Persian calendar for 3000 years" (1996), the
 * table jalaali-js uses; valid for years -61..3177.
 */
static const int breaks[] = {
	-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
	1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178
};
#define NBREAKS ((int)(sizeof(breaks) / sizeof(breaks[0])))

struct jal_year {
	int gy;    /* Gregorian year in which Farvardin 1 falls */
	int march; /* day of March of Farvardin 1 */
	int leap;  /* years since the last leap year: 0 = this year is leap */
};

static const char *const month_names[12] = {
	"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"
};

static const char *const weekday_names[7] = {
	"شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه",
	"پنج\u200cشنبه", "جمعه"
};

static long long floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool year_ok(int jy)
{
	return jy >= JALALI_YEAR_MIN && jy <= JALALI_YEAR_MAX;
}

/*
 * The year's place in its cycle.  All quantities stay non-negative for
 * years >= 1 except the final leap remainder, where C's truncating % is
 * what the algorithm expects (it was written for truncating division).
 */
static void jal_cal(int jy, struct jal_year *r)
{
	int leap_j = -14, jp = breaks[0], jump = 0, n, i, leap_g, leap;

	for (i = 1; i < NBREAKS; i++) {
		int jm = breaks[i];

		jump = jm - jp;
		if (jy < jm)
			break;
		leap_j += jump / 33 * 8 + jump % 33 / 4;
		jp = jm;
	}
	n = jy - jp;
	/* Leap days from AD 621 to the start of jy, Jalali side... */
	leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
	if (jump % 33 == 4 && jump - n == 4)
		leap_j++;
	/* ...and Gregorian side; their difference moves Nowruz in March. */
	r->gy = jy + 621;
	leap_g = r->gy / 4 - (r->gy / 100 + 1) * 3 / 4 - 150;
	r->march = 20 + leap_j - leap_g;

	if (jump - n < 6)
		n = n - jump + (jump + 4) / 33 * 33;
	leap = ((n + 1) % 33 - 1) % 4;
	r->leap = leap == -1 ? 4 : leap;
}

/* Fliegel & Van Flandern; proleptic Gregorian, exact for years > -4800. */
static int32_t greg_to_jdn(int y, int m, int d)
{
	int a = (14 - m) / 12;
	long long y2 = (long long)y + 4800 - a;
	long long m2 = m + 12 * a - 3;

	return (int32_t)(d + (153 * m2 + 2) / 5 + 365 * y2 + y2 / 4 -
			 y2 / 100 + y2 / 400 - 32045);
}

static void jdn_to_greg(int32_t jdn, int *gy, int *gm, int *gd)
{
	long long a = (long long)jdn + 32044;
	long long b = (4 * a + 3) / 146097;
	long long c = a - 146097 * b / 4;
	long long d = (4 * c + 3) / 1461;
	long long e = c - 1461 * d / 4;
	long long m = (5 * e + 2) / 153;

	*gd = (int)(e - (153 * m + 2) / 5 + 1);
	*gm = (int)(m + 3 - 12 * (m / 10));
	*gy = (int)(100 * b + d - 4800 + m / 10);
}

/* Valid-date arithmetic without checks; callers validate first. */
static int32_t jal_to_jdn(int jy, int jm, int jd)
{
	struct jal_year r;

	jal_cal(jy, &r);
	return greg_to_jdn(r.gy, 3, r.march) + (jm - 1) * 31 -
	       jm / 7 * (jm - 7) + jd - 1;
}

static int32_t jdn_min(void)
{
	return jal_to_jdn(JALALI_YEAR_MIN, 1, 1);
}

static int32_t jdn_max(void)
{
	return jal_to_jdn(JALALI_YEAR_MAX + 1, 1, 1) - 1;
}

bool jalali_is_leap(int jy)
{
	struct jal_year r;

	if (!year_ok(jy))
		return false;
	jal_cal(jy, &r);
	return r.leap == 0;
}

int jalali_month_length(int jy, int jm)
{
	if (!year_ok(jy) || jm < 1 || jm > 12)
		return JALALI_EINVAL;
	if (jm <= 6)
		return 31;
	if (jm <= 11)
		return 30;
	return jalali_is_leap(jy) ? 30 : 29;
}

bool jalali_valid(int jy, int jm, int jd)
{
	int len = jalali_month_length(jy, jm);

	return len > 0 && jd >= 1 && jd <= len;
}

int jalali_to_jdn(const struct jalali_date *d, int32_t *jdn)
{
	if (d == NULL || jdn == NULL ||
	    !jalali_valid(d->year, d->month, d->day))
		return JALALI_EINVAL;
	*jdn = jal_to_jdn(d->year, d->month, d->day);
	return JALALI_OK;
}

int jalali_from_jdn(int32_t jdn, struct jalali_date *out)
{
	struct jal_year r;
	int gy, gm, gd, jy, k;

	if (out == NULL)
		return JALALI_EINVAL;
	if (jdn < jdn_min() || jdn > jdn_max())
		return JALALI_ERANGE;
	jdn_to_greg(jdn, &gy, &gm, &gd);
	jy = gy - 621;
	jal_cal(jy, &r);
	k = (int)(jdn - greg_to_jdn(gy, 3, r.march));
	if (k >= 0) {
		if (k <= 185) {
			out->year = jy;
			out->month = 1 + k / 31;
			out->day = k % 31 + 1;
			return JALALI_OK;
		}
		k -= 186;
	} else {
		/* Before Nowruz: count from 1 Mehr of the previous year. */
		jy--;
		k += 179;
		if (r.leap == 1)
			k++;
	}
	out->year = jy;
	out->month = 7 + k / 30;
	out->day = k % 30 + 1;
	return JALALI_OK;
}

static bool greg_valid(int gy, int gm, int gd)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int n;

	if (gy < -4000 || gy > 10000 || gm < 1 || gm > 12)
		return false;
	n = len[gm - 1];
	if (gm == 2 && gy % 4 == 0 && (gy % 100 != 0 || gy % 400 == 0))
		n = 29;
	return gd >= 1 && gd <= n;
}

int jalali_gregorian_to_jdn(int gy, int gm, int gd, int32_t *jdn)
{
	if (jdn == NULL || !greg_valid(gy, gm, gd))
		return JALALI_EINVAL;
	*jdn = greg_to_jdn(gy, gm, gd);
	return JALALI_OK;
}

int jalali_jdn_to_gregorian(int32_t jdn, int *gy, int *gm, int *gd)
{
	if (gy == NULL || gm == NULL || gd == NULL)
		return JALALI_EINVAL;
	/* The formula needs jdn >= -32044; greg_valid() bounds the rest. */
	if (jdn < 0 || jdn > greg_to_jdn(10000, 12, 31))
		return JALALI_ERANGE;
	jdn_to_greg(jdn, gy, gm, gd);
	return JALALI_OK;
}

int jalali_to_gregorian(const struct jalali_date *d, int *gy, int *gm,
			int *gd)
{
	int32_t jdn;
	int rc = jalali_to_jdn(d, &jdn);

	if (rc < 0)
		return rc;
	return jalali_jdn_to_gregorian(jdn, gy, gm, gd);
}

int jalali_from_gregorian(int gy, int gm, int gd, struct jalali_date *out)
{
	int32_t jdn;
	int rc = jalali_gregorian_to_jdn(gy, gm, gd, &jdn);

	if (rc < 0)
		return rc;
	return jalali_from_jdn(jdn, out);
}

int jalali_weekday(int32_t jdn)
{
	/* JDN 0 was a Monday, so Saturday is jdn % 7 == 5. */
	return (int)(((long long)jdn % 7 + 9) % 7);
}

const char *jalali_month_name(int jm)
{
	return jm >= 1 && jm <= 12 ? month_names[jm - 1] : NULL;
}

const char *jalali_weekday_name(int wday)
{
	return wday >= 0 && wday <= 6 ? weekday_names[wday] : NULL;
}

/* Read min..max digits at *p as a number; advance *p. */
static bool read_number(const unsigned char **p, const unsigned char *end,
			int min, int max, int *value)
{
	int n = 0, v = 0;
	size_t len;

	while (n < max) {
		int d = digits_at(*p, end, &len);

		if (d < 0)
			break;
		v = v * 10 + d;
		*p += len;
		n++;
	}
	/* A further digit means the field is too long, not a new field. */
	if (n < min || digits_at(*p, end, &len) >= 0)
		return false;
	*value = v;
	return true;
}

int jalali_parse_ymd(const char *s, int *y, int *m, int *d)
{
	const unsigned char *p, *end;
	size_t n;
	int vy, vm, vd;

	if (s == NULL || y == NULL || m == NULL || d == NULL)
		return JALALI_EPARSE;
	p = (const unsigned char *)s;
	end = p + strlen(s);
	for (n = digits_blank_at(p, end); n > 0; n = digits_blank_at(p, end))
		p += n;
	if (!read_number(&p, end, 4, 4, &vy) || p >= end || *p++ != '/' ||
	    !read_number(&p, end, 1, 2, &vm) || p >= end || *p++ != '/' ||
	    !read_number(&p, end, 1, 2, &vd))
		return JALALI_EPARSE;
	for (n = digits_blank_at(p, end); n > 0; n = digits_blank_at(p, end))
		p += n;
	if (p != end)
		return JALALI_EPARSE;
	*y = vy;
	*m = vm;
	*d = vd;
	return JALALI_OK;
}

int jalali_parse(const char *s, struct jalali_date *out)
{
	int y, m, d, rc;

	if (out == NULL)
		return JALALI_EINVAL;
	rc = jalali_parse_ymd(s, &y, &m, &d);
	if (rc < 0)
		return rc;
	if (!jalali_valid(y, m, d))
		return JALALI_EINVAL;
	out->year = y;
	out->month = m;
	out->day = d;
	return JALALI_OK;
}

static int format_ymd(const struct jalali_date *d, char *out, size_t outsz,
		      bool persian)
{
	size_t o = 0;

	if (out == NULL || outsz == 0)
		return JALALI_EINVAL;
	out[0] = '\0';
	if (d == NULL || !jalali_valid(d->year, d->month, d->day))
		return JALALI_EINVAL;
	if (!digits_put_number(out, outsz, &o, d->year, 4, persian) ||
	    !digits_put_str(out, outsz, &o, "/") ||
	    !digits_put_number(out, outsz, &o, d->month, 2, persian) ||
	    !digits_put_str(out, outsz, &o, "/") ||
	    !digits_put_number(out, outsz, &o, d->day, 2, persian)) {
		out[0] = '\0';
		return JALALI_ENOSPACE;
	}
	return JALALI_OK;
}

int jalali_format(const struct jalali_date *d, char *out, size_t outsz)
{
	return format_ymd(d, out, outsz, false);
}

int jalali_format_fa(const struct jalali_date *d, char *out, size_t outsz)
{
	return format_ymd(d, out, outsz, true);
}

int jalali_format_fa_long(const struct jalali_date *d, char *out,
			  size_t outsz)
{
	size_t o = 0;

	if (out == NULL || outsz == 0)
		return JALALI_EINVAL;
	out[0] = '\0';
	if (d == NULL || !jalali_valid(d->year, d->month, d->day))
		return JALALI_EINVAL;
	if (!digits_put_number(out, outsz, &o, d->day, 1, true) ||
	    !digits_put_str(out, outsz, &o, " ") ||
	    !digits_put_str(out, outsz, &o, month_names[d->month - 1]) ||
	    !digits_put_str(out, outsz, &o, " ") ||
	    !digits_put_number(out, outsz, &o, d->year, 1, true)) {
		out[0] = '\0';
		return JALALI_ENOSPACE;
	}
	return JALALI_OK;
}

int jalali_age_years(const struct jalali_date *birth,
		     const struct jalali_date *today)
{
	int age;

	if (birth == NULL || today == NULL ||
	    !jalali_valid(birth->year, birth->month, birth->day) ||
	    !jalali_valid(today->year, today->month, today->day))
		return JALALI_EINVAL;
	age = today->year - birth->year;
	/* Plain (month, day) comparison: see the header for 30 Esfand. */
	if (today->month < birth->month ||
	    (today->month == birth->month && today->day < birth->day))
		age--;
	return age < 0 ? JALALI_EINVAL : age;
}

int jalali_born_by(const struct jalali_date *today, int years, int32_t *jdn)
{
	struct jalali_date b;

	if (today == NULL || years < 0 ||
	    !jalali_valid(today->year, today->month, today->day))
		return JALALI_EINVAL;
	b = (struct jalali_date){ today->year - years, today->month, today->day };
	if (!jalali_valid(b.year, b.month, b.day))
		b.day--;         /* 30 Esfand: nobody was born on a day that was not */
	return jalali_to_jdn(&b, jdn);
}

/* ---- Tehran time ---- */

static bool dst_year(int jy)
{
	return (jy >= 1370 && jy <= 1384) || (jy >= 1387 && jy <= 1401);
}

static long long jdn_to_unix(int32_t jdn)
{
	return ((long long)jdn - UNIX_EPOCH_JDN) * DAY_SECONDS;
}

/* The Tehran offset for t, given that t is inside the supported range. */
static int offset_at(long long t)
{
	struct jalali_date d;
	int32_t jdn = (int32_t)(floor_div(t + JALALI_IRST_OFFSET, DAY_SECONDS) +
				UNIX_EPOCH_JDN);
	long long start, end;

	if (jalali_from_jdn(jdn, &d) < 0 || !dst_year(d.year))
		return JALALI_IRST_OFFSET;
	/*
	 * Clocks went forward at 24:00 of 1 Farvardin (wall time, +03:30)
	 * and back at 24:00 of 30 Shahrivar (wall time, +04:30): tzdata's
	 * "Mar 21/22 0:00" and "Sep 21/22 0:00".  In 1370, the year DST came
	 * back, it began only on 13 Ordibehesht (3 May 1991).
	 */
	start = jdn_to_unix(d.year == 1370 ? jal_to_jdn(1370, 2, 13)
					   : jal_to_jdn(d.year, 1, 2)) -
		JALALI_IRST_OFFSET;
	end = jdn_to_unix(jal_to_jdn(d.year, 6, 31)) - JALALI_IRDT_OFFSET;
	return t >= start && t < end ? JALALI_IRDT_OFFSET : JALALI_IRST_OFFSET;
}

static bool unix_ok(long long t)
{
	long long lo = jdn_to_unix(jdn_min()) + DAY_SECONDS;
	long long hi = jdn_to_unix(jdn_max()) - DAY_SECONDS;

	return t >= lo && t <= hi;
}

int jalali_tehran_offset_seconds(time_t utc)
{
	long long t = (long long)utc;

	if (!unix_ok(t))
		return JALALI_IRST_OFFSET;
	return offset_at(t);
}

int jalali_tehran_local(time_t utc, int32_t *jdn, int *sec_of_day)
{
	long long t = (long long)utc, local, days;

	if (jdn == NULL || sec_of_day == NULL)
		return JALALI_EINVAL;
	if (!unix_ok(t))
		return JALALI_ERANGE;
	local = t + offset_at(t);
	days = floor_div(local, DAY_SECONDS);
	*jdn = (int32_t)(days + UNIX_EPOCH_JDN);
	*sec_of_day = (int)(local - days * DAY_SECONDS);
	return JALALI_OK;
}

int jalali_from_unix(time_t utc, struct jalali_date *out)
{
	int32_t jdn;
	int sec, rc;

	if (out == NULL)
		return JALALI_EINVAL;
	rc = jalali_tehran_local(utc, &jdn, &sec);
	if (rc < 0)
		return rc;
	return jalali_from_jdn(jdn, out);
}

int jalali_tehran_to_utc(int32_t jdn, int sec_of_day, time_t *out)
{
	long long local, t;

	if (out == NULL || sec_of_day < 0 || sec_of_day >= DAY_SECONDS)
		return JALALI_EINVAL;
	local = jdn_to_unix(jdn) + sec_of_day;
	t = local - JALALI_IRDT_OFFSET;
	if (!unix_ok(t) || !unix_ok(local - JALALI_IRST_OFFSET))
		return JALALI_ERANGE;
	if (offset_at(t) != JALALI_IRDT_OFFSET)
		t = local - JALALI_IRST_OFFSET;
	/* Where time_t is 32 bits, far dates do not fit. */
	if ((long long)(time_t)t != t)
		return JALALI_ERANGE;
	*out = (time_t)t;
	return JALALI_OK;
}
