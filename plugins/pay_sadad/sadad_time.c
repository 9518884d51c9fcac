/*
 * sadad_time: the merchant's local date and time (see sadad_time.h).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r; plugins do not include config.h */

#include <crs/plugin.h>

#include "sadad_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Tehran wall-clock time now, from the core's clock: the core's own
 * Tehran conversion when it has one (and no utc_offset_min is configured),
 * else UTC + utc_offset_min (Iran has kept +03:30 all year since 2022). */
static void tehran_now(const struct crs_api *api,
                       const struct sadad_clock *clk, struct tm *tm)
{
	int64_t now = api->now_ms();
	time_t t;

	if (clk->core_tz) {
		int32_t jdn;
		int sec;
		struct crs_ymd g;

		if (api->tehran_local(now, &jdn, &sec) == CRS_OK &&
		    api->gregorian_from_jdn(jdn, &g) == CRS_OK && sec >= 0 &&
		    sec < 86400) {
			memset(tm, 0, sizeof(*tm));
			tm->tm_year = g.y - 1900;
			tm->tm_mon = g.m - 1;
			tm->tm_mday = g.d;
			tm->tm_hour = sec / 3600;
			tm->tm_min = sec / 60 % 60;
			tm->tm_sec = sec % 60;
			return;
		}
	}
	t = (time_t)(now / 1000 + clk->utc_offset_min * 60);
	gmtime_r(&t, tm);
}

void sadad_local_datetime(const struct crs_api *api,
                          const struct sadad_clock *clk, char *out,
                          size_t outsz)
{
	struct tm tm;
	int h12;

	tehran_now(api, clk, &tm);
	switch (clk->format) {
	case SADAD_TF_ISO:
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
		break;
	case SADAD_TF_COMPACT:
		strftime(out, outsz, "%Y%m%d%H%M%S", &tm);
		break;
	case SADAD_TF_PHP:
	default:
		/* PHP date('m/d/Y g:i:s a'), the official sample's format. */
		h12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
		snprintf(out, outsz, "%02d/%02d/%04d %d:%02d:%02d %s", tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_year + 1900, h12, tm.tm_min, tm.tm_sec,
		         tm.tm_hour < 12 ? "am" : "pm");
		break;
	}
}
