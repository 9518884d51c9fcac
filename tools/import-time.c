/*
 * import-time: SQL and ISO 8601 dates and instants (see import-time.h).
 */
#include "config.h"

#include "import-time.h"

#include "jalali.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Exactly n ASCII digits at s; -1 otherwise. */
static int digits_n(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

#define UNIX_EPOCH_JDN 2440588

int import_sql_date_to_jdn(const char *s, int32_t *jdn)
{
	int y, m, d;

	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits_n(s, 4);
	m = digits_n(s + 5, 2);
	d = digits_n(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || (s[10] && s[10] != ' '))
		return -1;
	return jalali_gregorian_to_jdn(y, m, d, jdn) == JALALI_OK ? 0 : -1;
}

/* "HH:MM[:SS[.fff]]" at s; *end after it. */
static int parse_hms(const char *s, int64_t *ms, const char **end)
{
	int h = digits_n(s, 2), mi, sec = 0, frac = 0, scale = 100;

	if (h < 0 || s[2] != ':' || (mi = digits_n(s + 3, 2)) < 0)
		return -1;
	s += 5;
	if (*s == ':') {
		if ((sec = digits_n(s + 1, 2)) < 0)
			return -1;
		s += 3;
		if (*s == '.') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
				frac += scale * (*s - '0');
		}
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	*ms = ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
	*end = s;
	return 0;
}

int import_sql_time_to_ms(const char *s, int64_t *ms)
{
	int32_t jdn;
	int64_t t;
	const char *end;

	if (import_sql_date_to_jdn(s, &jdn) || s[10] != ' ' ||
	    parse_hms(s + 11, &t, &end) || *end)
		return -1;
	*ms = ((int64_t)jdn - UNIX_EPOCH_JDN) * 86400000LL + t;
	return 0;
}

void import_ms_to_sql_time(int64_t ms, char out[24])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + n, 24 - n, ".%03u", (unsigned)(ms % 1000) % 1000u);
}

int import_parse_iso(const char *s, int64_t *ms)
{
	char date[11];
	int32_t jdn;
	int64_t t, off = 0;
	const char *end;

	if (!s || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (import_sql_date_to_jdn(date, &jdn) || parse_hms(s + 11, &t, &end))
		return -1;
	if (*end == 'Z' && end[1] == '\0') {
		off = 0;
	} else if ((*end == '+' || *end == '-') && strlen(end) >= 3) {
		int oh = digits_n(end + 1, 2), om = 0;
		const char *p = end + 3;

		if (oh < 0)
			return -1;
		if (*p == ':')
			p++;
		if (*p) {
			if ((om = digits_n(p, 2)) < 0 || p[2])
				return -1;
		}
		if (oh > 14 || om > 59)
			return -1;
		off = ((int64_t)oh * 3600 + om * 60) * 1000;
		if (*end == '-')
			off = -off;
	} else {
		return -1;
	}
	*ms = ((int64_t)jdn - UNIX_EPOCH_JDN) * 86400000LL + t - off;
	return 0;
}
