/*
 * civil: the civil-logic group of the plugin ABI (national ID, serial and
 * mobile rules, Jalali/Gregorian/Hijri calendars, Tehran time, working
 * hours): adapters from the ABI's plain types to nid, jalali, hijri and
 * workhours.
 */
#ifndef CRS_CIVIL_H
#define CRS_CIVIL_H

#include <crs/plugin.h>

int civil_nid_normalize(const char *in, char out[11]);
int civil_serial_normalize(const char *in, char out[7]);
int civil_mobile_normalize(const char *in, char out[12]);
int civil_digits_ascii(const char *in, char *out, size_t outsz);
int civil_digits_persian(const char *in, char *out, size_t outsz);
int civil_mask_nid(const char *nid, char out[11]);
int civil_mask_mobile(const char *mobile, char out[12]);
int civil_jalali_parse(const char *s, struct crs_ymd *out);
int civil_jalali_to_jdn(const struct crs_ymd *j, int32_t *jdn);
int civil_jalali_from_jdn(int32_t jdn, struct crs_ymd *out);
int civil_gregorian_to_jdn(const struct crs_ymd *g, int32_t *jdn);
/* DATE column text ("YYYY-MM-DD") of a day and back (the whole string). */
void civil_sql_date(int32_t jdn, char out[11]);
int civil_sql_date_parse(const char *s, int32_t *jdn);
int civil_gregorian_from_jdn(int32_t jdn, struct crs_ymd *out);
int civil_weekday(int32_t jdn);
int civil_jalali_age_years(const struct crs_ymd *birth,
                           const struct crs_ymd *today);
int civil_tehran_local(int64_t unix_ms, int32_t *jdn, int *sec_of_day);
int civil_tehran_to_unix_ms(int32_t jdn, int sec_of_day, int64_t *out);
int civil_hijri_options(int32_t jdn, const struct crs_hijri_month *ov,
                        size_t n, struct crs_ymd out[5]);
int civil_workhours_between(int64_t from_ms, int64_t to_ms,
                            const int32_t *holidays, size_t n,
                            int64_t *seconds);

int civil_persian_name_valid(const char *s);

int civil_utf8_valid(const char *s);
int civil_jalali_format(const struct crs_ymd *j, enum crs_date_style style,
                        char *out, size_t outsz);
int civil_hijri_parse(const char *s, struct crs_ymd *out);
int civil_hijri_format(const struct crs_ymd *h, enum crs_date_style style,
                       char *out, size_t outsz);
const char *civil_weekday_name(int wd);

/* The civil members of the plugin table (struct crs_api), for the core's
 * table and for tests that build one of their own. */
#define CIVIL_API_ENTRIES \
	.nid_normalize = civil_nid_normalize, \
	.serial_normalize = civil_serial_normalize, \
	.mobile_normalize = civil_mobile_normalize, \
	.digits_ascii = civil_digits_ascii, \
	.digits_persian = civil_digits_persian, \
	.mask_nid = civil_mask_nid, \
	.mask_mobile = civil_mask_mobile, \
	.jalali_parse = civil_jalali_parse, \
	.jalali_to_jdn = civil_jalali_to_jdn, \
	.jalali_from_jdn = civil_jalali_from_jdn, \
	.gregorian_to_jdn = civil_gregorian_to_jdn, \
	.gregorian_from_jdn = civil_gregorian_from_jdn, \
	.weekday = civil_weekday, \
	.jalali_age_years = civil_jalali_age_years, \
	.tehran_local = civil_tehran_local, \
	.tehran_to_unix_ms = civil_tehran_to_unix_ms, \
	.hijri_options = civil_hijri_options, \
	.workhours_between = civil_workhours_between, \
	.persian_name_valid = civil_persian_name_valid, \
	.sql_date = civil_sql_date, \
	.sql_date_parse = civil_sql_date_parse, \
	.utf8_valid = civil_utf8_valid, \
	.jalali_format = civil_jalali_format, \
	.hijri_parse = civil_hijri_parse, \
	.hijri_format = civil_hijri_format, \
	.weekday_name = civil_weekday_name,

#endif
