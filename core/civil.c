/*
 * civil: ABI adapters over the pure civil-logic modules (see civil.h).
 * Error codes of the modules become crs_rc values here.
 */
#include "config.h"

#include "civil.h"
#include "util.h"
#include "digits.h"

#include <stdio.h>
#include "hijri.h"
#include "jalali.h"
#include "nid.h"
#include "workhours.h"

#include <stdlib.h>

#define MAX_MONTHS 512

static int ok_or_inval(int rc)
{
	return rc == 0 ? CRS_OK : CRS_EINVAL;
}

int civil_nid_normalize(const char *in, char out[11])
{
	switch (nid_normalize(in, out)) {
	case NID_OK: return CRS_OK;
	case NID_ECHECKSUM: return CRS_NID_CHECKSUM;
	case NID_EPATTERN: return CRS_NID_PATTERN;
	default: return CRS_NID_FORMAT;
	}
}

int civil_serial_normalize(const char *in, char out[7])
{
	return ok_or_inval(nid_serial_normalize(in, out));
}

int civil_mobile_normalize(const char *in, char out[12])
{
	return ok_or_inval(nid_mobile_normalize(in, out));
}

int civil_digits_ascii(const char *in, char *out, size_t outsz)
{
	return ok_or_inval(nid_digits_ascii(in, out, outsz));
}

int civil_digits_persian(const char *in, char *out, size_t outsz)
{
	return ok_or_inval(nid_digits_persian(in, out, outsz));
}

int civil_mask_nid(const char *nid, char out[11])
{
	return ok_or_inval(nid_mask(nid, out));
}

int civil_mask_mobile(const char *mobile, char out[12])
{
	return ok_or_inval(nid_mobile_mask(mobile, out));
}

int civil_jalali_parse(const char *s, struct crs_ymd *out)
{
	struct jalali_date d;

	if (jalali_parse(s, &d) != JALALI_OK)
		return CRS_EINVAL;
	out->y = d.year;
	out->m = d.month;
	out->d = d.day;
	return CRS_OK;
}

int civil_jalali_to_jdn(const struct crs_ymd *j, int32_t *jdn)
{
	struct jalali_date d = { j->y, j->m, j->d };

	return ok_or_inval(jalali_to_jdn(&d, jdn));
}

int civil_jalali_from_jdn(int32_t jdn, struct crs_ymd *out)
{
	struct jalali_date d;

	if (jalali_from_jdn(jdn, &d) != JALALI_OK)
		return CRS_EINVAL;
	out->y = d.year;
	out->m = d.month;
	out->d = d.day;
	return CRS_OK;
}

int civil_gregorian_to_jdn(const struct crs_ymd *g, int32_t *jdn)
{
	return ok_or_inval(jalali_gregorian_to_jdn(g->y, g->m, g->d, jdn));
}

void civil_sql_date(int32_t jdn, char out[11])
{
	int y = 1970, m = 1, d = 1;

	jalali_jdn_to_gregorian(jdn, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

int civil_sql_date_parse(const char *s, int32_t *jdn)
{
	int y, m, d, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[10])
		return CRS_EINVAL;
	return ok_or_inval(jalali_gregorian_to_jdn(y, m, d, jdn));
}

int civil_gregorian_from_jdn(int32_t jdn, struct crs_ymd *out)
{
	return ok_or_inval(jalali_jdn_to_gregorian(jdn, &out->y, &out->m, &out->d));
}

int civil_weekday(int32_t jdn)
{
	return jalali_weekday(jdn);
}

int civil_jalali_age_years(const struct crs_ymd *birth,
                           const struct crs_ymd *today)
{
	struct jalali_date b = { birth->y, birth->m, birth->d };
	struct jalali_date t = { today->y, today->m, today->d };

	return jalali_age_years(&b, &t);
}

int civil_tehran_local(int64_t unix_ms, int32_t *jdn, int *sec_of_day)
{
	return ok_or_inval(jalali_tehran_local((time_t)(unix_ms / 1000), jdn,
	                                       sec_of_day));
}

int civil_tehran_to_unix_ms(int32_t jdn, int sec_of_day, int64_t *out)
{
	time_t t;

	if (jalali_tehran_to_utc(jdn, sec_of_day, &t) != JALALI_OK)
		return CRS_EINVAL;
	*out = (int64_t)t * 1000;
	return CRS_OK;
}

int civil_hijri_options(int32_t jdn, const struct crs_hijri_month *ov,
                        size_t n, struct crs_ymd out[5])
{
	struct hijri_month_start *tab = NULL;
	struct hijri_date opts[HIJRI_OPTIONS];
	size_t i;
	int rc;

	if (n > MAX_MONTHS)
		return CRS_EINVAL;
	if (n) {
		tab = calloc(n, sizeof(*tab));
		if (!tab)
			return CRS_ENOMEM;
		for (i = 0; i < n; i++) {
			tab[i].year = ov[i].year;
			tab[i].month = ov[i].month;
			tab[i].jdn = ov[i].jdn_day1;
		}
	}
	rc = hijri_options(jdn, tab, n, opts);
	free(tab);
	if (rc != HIJRI_OK)
		return CRS_EINVAL;
	for (i = 0; i < HIJRI_OPTIONS; i++) {
		out[i].y = opts[i].year;
		out[i].m = opts[i].month;
		out[i].d = opts[i].day;
	}
	return CRS_OK;
}

int civil_workhours_between(int64_t from_ms, int64_t to_ms,
                            const int32_t *holidays, size_t n,
                            int64_t *seconds)
{
	return ok_or_inval(workhours_between((time_t)(from_ms / 1000),
	                                     (time_t)(to_ms / 1000), holidays, n,
	                                     seconds));
}

int civil_persian_name_valid(const char *s)
{
	return s && nid_persian_name_valid(s) ? CRS_OK : CRS_EINVAL;
}

int civil_utf8_valid(const char *s)
{
	return s && digits_utf8_valid(s) ? CRS_OK : CRS_EINVAL;
}

/* "۱۰ آذر ۱۴۰۳", with the weekday before it for CRS_DATE_WEEKDAY. */
int civil_jalali_format(const struct crs_ymd *j, enum crs_date_style style,
                        char *out, size_t outsz)
{
	struct jalali_date d = { j->y, j->m, j->d };
	char lng[96];
	int32_t jdn;

	if (!jalali_valid(j->y, j->m, j->d) || jalali_to_jdn(&d, &jdn) != JALALI_OK)
		return CRS_EINVAL;
	switch (style) {
	case CRS_DATE_NUMERIC:
		return ok_or_inval(jalali_format_fa(&d, out, outsz));
	case CRS_DATE_LONG:
		return ok_or_inval(jalali_format_fa_long(&d, out, outsz));
	case CRS_DATE_WEEKDAY:
		if (jalali_format_fa_long(&d, lng, sizeof(lng)) != JALALI_OK)
			return CRS_EINVAL;
		return str_fmt(out, outsz, "%s %s", jalali_weekday_name(jalali_weekday(jdn)),
		               lng) ? CRS_EINVAL : CRS_OK;
	}
	return CRS_EINVAL;
}

int civil_hijri_parse(const char *s, struct crs_ymd *out)
{
	struct hijri_date d;

	if (!s || hijri_parse(s, &d) != HIJRI_OK)
		return CRS_EINVAL;
	out->y = d.year;
	out->m = d.month;
	out->d = d.day;
	return CRS_OK;
}

int civil_hijri_format(const struct crs_ymd *h, enum crs_date_style style,
                       char *out, size_t outsz)
{
	struct hijri_date d = { h->y, h->m, h->d };

	if (style == CRS_DATE_LONG)
		return ok_or_inval(hijri_format_fa_long(&d, out, outsz));
	return CRS_EINVAL;
}

const char *civil_weekday_name(int wd)
{
	return jalali_weekday_name(wd);
}
