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
	int64_t fee_rial;                /* the registration fee: 200000 */
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
/* "YYYY/MM/DD" Jalali (ASCII) of a JDN. */
void reg_jdn_to_jalali(struct reg *r, int32_t jdn, char out[11]);
/* Parse a Jalali date of the API (Persian digits allowed) to a JDN. */
int reg_parse_jalali(struct reg *r, const char *s, int32_t *jdn);
/* Move application app_id from stage `from` by event: the core's lifecycle
 * decides and records it (actor: who when req is NULL), then the row's
 * stage moves, in db's transaction.  CRS_ECONFLICT with *reason when the
 * event does not apply. */
int reg_move(struct reg *r, struct crs_db *db, struct crs_req *req, int64_t app_id,
             enum crs_stage from, enum crs_life_event event, const char *actor,
             enum crs_stage *to, const char **reason);
/* National holidays as sorted JDNs between two days (caller frees). */
int reg_holidays(struct reg *r, struct crs_db *db, int32_t from, int32_t to,
                 int32_t **out, size_t *n);

#endif
