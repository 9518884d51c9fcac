/*
 * pay_attempt: payment rows and payment settings (see pay_attempt.h).
 */
#include "config.h"

#include "pay_attempt.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static struct pay_config cfgv;

int pay_config_init(const struct conf *cfg)
{
	int64_t window_min, after_s;
	char err[256];

	if (conf_get_int(cfg, "payments", "registration_fee_rial", 200000, 1,
	                 1000000000000LL, &cfgv.fee_rial, err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "window_minutes", 20, 1, 1440, &window_min,
	                 err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "reconcile_after_seconds", 60, 0, 86400,
	                 &after_s, err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "max_open_attempts", 3, 1, 100,
	                 &cfgv.max_open, err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "max_attempts_per_day", 10, 1, 1000,
	                 &cfgv.max_per_day, err, sizeof(err))) {
		log_error("payments: %s", err);
		return -1;
	}
	cfgv.window_ms = window_min * 60000;
	cfgv.reconcile_after_ms = after_s * 1000;
	snprintf(cfgv.base_url, sizeof(cfgv.base_url), "%s",
	         conf_get(cfg, "core", "public_base_url", "http://127.0.0.1:8080"));
	return 0;
}

const struct pay_config *pay_config(void)
{
	return &cfgv;
}

static void parse_time(const char *s, int64_t *out)
{
	if (clock_parse_sql(s, out))
		*out = 0;
}

static void copy_col(struct crs_rows *r, unsigned col, char *out, size_t n)
{
	const char *s = rows_str(r, col);

	snprintf(out, n, "%s", s ? s : "");
}

#define PAYMENT_COLUMNS \
	"p.id, p.order_id, p.application_id, p.gateway, p.amount_rial, p.state," \
	" p.token, p.created_at, p.expires_at, p.message, p.reference," \
	" a.national_id, a.mobile, p.verify_attempts, p.callback_failed_at IS NOT NULL"

static int from_rows(struct crs_rows *r, struct payment *p)
{
	int64_t failed = 0;

	memset(p, 0, sizeof(*p));
	if (rows_int(r, 0, &p->id) || rows_int(r, 1, &p->order_id) ||
	    rows_int(r, 2, &p->app_id) || rows_int(r, 4, &p->amount) ||
	    rows_int(r, 13, &p->verify_attempts) || rows_int(r, 14, &failed))
		return CRS_EFAIL;
	p->callback_failed = failed != 0;
	copy_col(r, 3, p->gateway, sizeof(p->gateway));
	copy_col(r, 5, p->state, sizeof(p->state));
	copy_col(r, 6, p->token, sizeof(p->token));
	parse_time(rows_str(r, 7), &p->created_ms);
	parse_time(rows_str(r, 8), &p->expires_ms);
	copy_col(r, 9, p->message, sizeof(p->message));
	copy_col(r, 10, p->reference, sizeof(p->reference));
	copy_col(r, 11, p->subject, sizeof(p->subject));
	copy_col(r, 12, p->mobile, sizeof(p->mobile));
	return CRS_OK;
}

int pay_attempt_load(struct crs_db *db, const char *where,
                     const struct crs_param *params, size_t n,
                     struct payment *p)
{
	char sql[640];
	struct crs_rows *r = NULL;
	int rc;

	if (str_fmt(sql, sizeof(sql), "SELECT " PAYMENT_COLUMNS " FROM payment p"
	            " JOIN application a ON a.id = p.application_id WHERE %s", where))
		return CRS_EINVAL;
	rc = db_exec(db, sql, params, n, &r, NULL);
	if (rc)
		return rc;
	rc = rows_next(r) ? from_rows(r, p) : CRS_ENOTFOUND;
	rows_free(r);
	return rc;
}

int pay_attempt_set_state(struct crs_db *db, int64_t id, const char *from,
                          const char *to, const char *message)
{
	char now[24];

	clock_sql_datetime(clock_now_ms(), now);
	return db_exec(db, "UPDATE payment SET state = ?, message = ?, updated_at = ?,"
	                   " finished_at = ?, verify_claimed_at = NULL"
	                   " WHERE id = ? AND state = ?",
	               CRS_PARAMS(CRS_P_STR(to), CRS_P_STR(message), CRS_P_STR(now),
	                          CRS_P_STR(now), CRS_P_INT(id), CRS_P_STR(from)),
	               NULL, NULL);
}

int pay_attempt_finish(int64_t id, const char *from, const char *to,
                       const char *message)
{
	struct crs_db *db;
	int rc = db_acquire(mono_ms() + 5000, &db);

	if (rc)
		return rc;
	rc = pay_attempt_set_state(db, id, from, to, message);
	db_release(db);
	return rc;
}

void pay_attempt_describe(const struct payment *p, char *cb, size_t cbsz,
                          struct crs_pay_attempt *a)
{
	snprintf(cb, cbsz, "%s/pay/%s/callback", cfgv.base_url, p->gateway);
	memset(a, 0, sizeof(*a));
	a->struct_size = sizeof(*a);
	a->payment_id = p->id;
	a->order_id = p->order_id;
	a->amount_rial = p->amount;
	a->callback_url = cb;
	a->token = p->token[0] ? p->token : NULL;
	a->mobile = p->mobile[0] ? p->mobile : NULL;
	a->created_unix = p->created_ms / 1000;
}

int pay_exec_once(int64_t deadline_mono, const char *sql,
                  const struct crs_param *params, size_t n, struct crs_exec *ex)
{
	struct crs_db *db;
	int rc = db_acquire(deadline_mono, &db);

	if (rc)
		return rc;
	rc = db_exec(db, sql, params, n, NULL, ex);
	db_release(db);
	return rc;
}

int pay_token_ok(const char *token)
{
	size_t n = strlen(token);

	return n > 0 && n < 129 &&
	       strspn(token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                     "0123456789-_.=+/") == n;
}
