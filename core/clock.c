/*
 * clock: wall clock with a test offset (see clock.h).
 */
#include "config.h"

#include "clock.h"
#include "jalali.h"
#include "util.h"


#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int64_t offset_ms;
static int test_mode;
static char state_path[4096];

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int save_offset(int64_t off)
{
	char tmp[4200], buf[32];
	int fd, n;

	if (!state_path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", state_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%lld\n", (long long)off);
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	close(fd);
	return rename(tmp, state_path);
}

int clock_init(int test, const char *state_file)
{
	FILE *f;
	char buf[32];
	int64_t off;

	test_mode = test;
	atomic_store(&offset_ms, 0);
	state_path[0] = '\0';
	if (!test)
		return 0;
	if (state_file)
		snprintf(state_path, sizeof(state_path), "%s", state_file);
	f = state_path[0] ? fopen(state_path, "r") : NULL;
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			/* A state file from before the bound (or edited by
			 * hand) must not make every later instant overflow. */
			if (parse_i64(buf, &off) == 0 && off >= -CLOCK_MAX_OFFSET_MS &&
			    off <= CLOCK_MAX_OFFSET_MS)
				atomic_store(&offset_ms, off);
		}
		fclose(f);
	}
	return 0;
}

int clock_is_test(void)
{
	return test_mode;
}

int64_t clock_now_ms(void)
{
	return real_ms() + atomic_load(&offset_ms);
}

int64_t clock_offset_ms(void)
{
	return atomic_load(&offset_ms);
}

int clock_set(int64_t t_ms)
{
	int64_t off = t_ms - real_ms();

	if (!test_mode || off < -CLOCK_MAX_OFFSET_MS || off > CLOCK_MAX_OFFSET_MS)
		return -1;
	atomic_store(&offset_ms, off);
	return save_offset(off);
}

int clock_advance(int64_t delta_ms)
{
	int64_t cur = atomic_load(&offset_ms), next;

	if (!test_mode)
		return -1;
	do {
		if (delta_ms > CLOCK_MAX_OFFSET_MS - cur ||
		    delta_ms < -CLOCK_MAX_OFFSET_MS - cur)
			return -1;
		next = cur + delta_ms;
	} while (!atomic_compare_exchange_weak(&offset_ms, &cur, next));
	return save_offset(next);
}

int clock_reset(void)
{
	if (!test_mode)
		return -1;
	atomic_store(&offset_ms, 0);
	return save_offset(0);
}

void clock_sql_datetime(int64_t t_ms, char out[24])
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + n, 24 - n, ".%03d", (int)(t_ms % 1000));
}

static int take_int(const char **p, int digits, int *out)
{
	int v = 0, i;

	for (i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

int clock_parse_iso(const char *s, int64_t *out_ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, ms = 0, oh = 0, om = 0, sign = 1;
	const char *p = s;
	time_t t;

	if (take_int(&p, 4, &y) || *p++ != '-' || take_int(&p, 2, &mo) ||
	    *p++ != '-' || take_int(&p, 2, &d) || (*p != 'T' && *p != ' '))
		return -1;
	p++;
	if (take_int(&p, 2, &h) || *p++ != ':' || take_int(&p, 2, &mi) ||
	    *p++ != ':' || take_int(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		int scale = 100;

		p++;
		while (isdigit((unsigned char)*p)) {
			ms += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (take_int(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (take_int(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out_ms = ((int64_t)t - sign * (oh * 3600 + om * 60)) * 1000 + ms;
	return 0;
}

int clock_parse_sql(const char *s, int64_t *out_ms)
{
	char iso[40];

	/* DATETIME(3) text is UTC by the schema's rule. */
	if (!s || strlen(s) < 19 || str_fmt(iso, sizeof(iso), "%sZ", s))
		return -1;
	return clock_parse_iso(iso, out_ms);
}

void clock_iso_tehran(int64_t t_ms, char out[32])
{
	time_t t = (time_t)(t_ms / 1000);
	int off = jalali_tehran_offset_seconds(t);
	time_t local = t + off;
	struct tm tm;
	size_t n;

	gmtime_r(&local, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, "%c%02d:%02d", off < 0 ? '-' : '+',
	         abs(off) / 3600 % 100, abs(off) / 60 % 60);
}

int clock_parse_duration(const char *s, int64_t *out_ms)
{
	char *end;
	long long v;
	int64_t unit;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0)
		unit = 60000;
	else if (strcmp(end, "h") == 0)
		unit = 3600000;
	else if (strcmp(end, "d") == 0)
		unit = 86400000;
	else
		return -1;
	if (v > INT64_MAX / unit)
		return -1;
	*out_ms = (int64_t)v * unit;
	return 0;
}
