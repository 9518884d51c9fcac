/*
 * pay_attempt: payment rows and payment settings (see pay_attempt.h).
 */
#include "config.h"

#include "pay_attempt.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "modules.h"
#include "modules_pay.h"
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
	"p.id, p.order_id, p.payable, p.subject_id, p.gateway, p.amount_rial," \
	" p.state, p.token, p.created_at, p.expires_at, p.message, p.reference," \
	" p.owner, p.mobile, p.verify_attempts, p.callback_failed_at IS NOT NULL"

static int from_rows(struct crs_rows *r, struct payment *p)
{
	int64_t failed = 0;

	memset(p, 0, sizeof(*p));
	if (rows_int(r, 0, &p->id) || rows_int(r, 1, &p->order_id) ||
	    rows_int(r, 3, &p->subject_id) || rows_int(r, 5, &p->amount) ||
	    rows_int(r, 14, &p->verify_attempts) || rows_int(r, 15, &failed))
		return CRS_EFAIL;
	p->callback_failed = failed != 0;
	copy_col(r, 2, p->payable, sizeof(p->payable));
	copy_col(r, 4, p->gateway, sizeof(p->gateway));
	copy_col(r, 6, p->state, sizeof(p->state));
	copy_col(r, 7, p->token, sizeof(p->token));
	parse_time(rows_str(r, 8), &p->created_ms);
	parse_time(rows_str(r, 9), &p->expires_ms);
	copy_col(r, 10, p->message, sizeof(p->message));
	copy_col(r, 11, p->reference, sizeof(p->reference));
	copy_col(r, 12, p->owner, sizeof(p->owner));
	copy_col(r, 13, p->mobile, sizeof(p->mobile));
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
	            " WHERE %s", where))
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

int pay_at_bank(struct crs_db *db, const struct crs_payable_ops *ops, void *inst,
                const char *payable, int64_t subject_id)
{
	struct crs_rows *r = NULL;
	char now[24];
	int64_t until = 0;
	int rc;

	if (!ops || !ops->at_bank)
		return CRS_OK;
	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, "SELECT MAX(expires_at) FROM payment WHERE payable = ?"
	                 " AND subject_id = ? AND state IN ('created', 'redirected')"
	                 " AND callback_failed_at IS NULL AND expires_at > ?",
	             CRS_PARAMS(CRS_P_STR(payable), CRS_P_INT(subject_id), CRS_P_STR(now)),
	             &r, NULL);
	if (rc)
		return rc;
	if (rows_next(r) && rows_str(r, 0))
		parse_time(rows_str(r, 0), &until);
	rows_free(r);
	return ops->at_bank(inst, db, subject_id, until);
}

struct finish {
	const struct payment *p;
	const char *from, *to, *message;
	const struct crs_payable_ops *ops;
	void *inst;
};

static int finish_tx(struct crs_db *db, void *arg)
{
	struct finish *f = arg;
	int rc = pay_attempt_set_state(db, f->p->id, f->from, f->to, f->message);

	if (rc == CRS_OK)
		rc = pay_at_bank(db, f->ops, f->inst, f->p->payable, f->p->subject_id);
	return rc;
}

int pay_attempt_finish(const struct payment *p, const char *from, const char *to,
                       const char *message)
{
	struct finish f = { p, from, to, message, NULL, NULL };
	struct plugin_instance *pin = modules_payable_pin(p->payable, 0, &f.ops, &f.inst);
	int rc;

	/* Without its payable (disabled and drained) the state still moves. */
	rc = db_tx(mono_ms() + 10000, finish_tx, &f);
	if (pin)
		modules_unpin(pin);
	return rc;
}

/* What the citizen sees of an attempt's state in the application. */
static const char *citizen_view(const char *state, int callback_failed)
{
	if (!strcmp(state, "created") || !strcmp(state, "redirected"))
		return callback_failed ? "failed" : "pending";
	if (!strcmp(state, "verified") || !strcmp(state, "expired"))
		return state;
	return "failed";           /* failed, reversed: no money kept */
}

int pay_status(struct crs_db *db, const char *payable, int64_t subject_id,
               struct crs_payment_status *out)
{
	struct crs_payment_status st;
	struct crs_rows *r = NULL;
	int64_t failed = 0;
	size_t n;
	int rc;

	if (!out || out->struct_size < CRS_SIZE_THROUGH(struct crs_payment_status, reference))
		return CRS_EINVAL;
	memset(&st, 0, sizeof(st));
	snprintf(st.state, sizeof(st.state), "none");
	/* A verified attempt wins over later ones. */
	rc = db_exec(db, "SELECT state, callback_failed_at IS NOT NULL, amount_rial,"
	                 " gateway, reference FROM payment WHERE payable = ?"
	                 " AND subject_id = ? ORDER BY state = 'verified' DESC, id DESC"
	                 " LIMIT 1",
	             CRS_PARAMS(CRS_P_STR(payable), CRS_P_INT(subject_id)), &r, NULL);
	if (rc)
		return rc;
	if (rows_next(r)) {
		rows_int(r, 1, &failed);
		snprintf(st.state, sizeof(st.state), "%s",
		         citizen_view(rows_str(r, 0), failed != 0));
		if (rows_int(r, 2, &st.amount_rial))
			st.amount_rial = 0;
		copy_col(r, 3, st.gateway, sizeof(st.gateway));
		copy_col(r, 4, st.reference, sizeof(st.reference));
	}
	rows_free(r);
	/* The caller's struct may be an older, smaller one. */
	n = out->struct_size < sizeof(st) ? out->struct_size : sizeof(st);
	st.struct_size = out->struct_size;
	memcpy(out, &st, n);
	return CRS_OK;
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
