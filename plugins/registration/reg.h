/*
 * reg: the registration plugin's instance (its configuration, read-only
 * after init) and the helpers its route modules share.
 */
#ifndef REG_REG_H
#define REG_REG_H

#include <crs/plugin.h>
#include <stdint.h>

struct reg {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	int64_t office_list_size;        /* SPEC §3.4: 10 */
	int64_t mobile_service_min_days; /* SPEC §3.3: 14 */
	int64_t hold_minutes;            /* SPEC §3.4: 15 */
	int64_t booking_horizon_days;
	int64_t min_age_years;           /* 15 */
	int64_t serial_wait_seconds;     /* 48 working hours */
	int64_t login_failures_per_hour; /* per national ID: 10 */
	int64_t receipt_emails_per_hour; /* per application: 3 */
	int64_t receipt_emails_per_day;  /* per application: 10 */
	int64_t no_show_days;            /* 3 */
	unsigned char receipt_key[64];
	size_t receipt_key_len;
	const char *verify_url;
};

/* Refuse with a printf-style Persian message (status, code, field). */
int reg_failf(struct reg *r, struct crs_req *req, int status, const char *code,
              const char *field, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* 503 DB_UNAVAILABLE or 500, for a failed database call. */
int reg_fail_db(struct reg *r, struct crs_req *req, int rc);

/* Today in Tehran as a Julian Day Number. */
int32_t reg_today(struct reg *r);
/* "YYYY-MM-DD" (SQL DATE) <-> JDN; "YYYY/MM/DD" Jalali (ASCII). */
int reg_sql_date_to_jdn(struct reg *r, const char *s, int32_t *jdn);
void reg_jdn_to_sql_date(struct reg *r, int32_t jdn, char out[11]);
void reg_jdn_to_jalali(struct reg *r, int32_t jdn, char out[11]);
/* Parse a Jalali date of the API (Persian digits allowed) to a JDN. */
int reg_parse_jalali(struct reg *r, const char *s, int32_t *jdn);
/* 'YYYY-MM-DD HH:MM:SS[.mmm]' UTC <-> Unix ms. */
int reg_sql_time_to_ms(const char *s, int64_t *out);
void reg_ms_to_sql_time(int64_t ms, char out[24]);
/* ISO 8601 in Tehran time with its offset, for JSON. */
void reg_ms_to_iso_tehran(struct reg *r, int64_t ms, char out[32]);
/* National holidays as sorted JDNs between two days (caller frees). */
int reg_holidays(struct reg *r, struct crs_db *db, int32_t from, int32_t to,
                 int32_t **out, size_t *n);

#endif
