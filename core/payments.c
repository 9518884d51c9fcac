/*
 * payments: attempts, bank callbacks, verification, reconciliation (see
 * payments.h).
 */
#include "config.h"

#include "payments.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "messages.h"
#include "modules.h"
#include "outbox.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A claimed verify that never finished (a crash) may be retried after: */
#define CLAIM_TIMEOUT_MS (2 * 60 * 1000)

static struct {
	int64_t fee_rial;
	int64_t window_ms;          /* how long the bank gives the citizen */
	int64_t reconcile_after_ms; /* leave a fresh payment to its callback */
	char base_url[256];
} pay;

int payments_init(const struct conf *cfg)
{
	int64_t window_min, after_s;
	char err[256];

	if (conf_get_int(cfg, "payments", "registration_fee_rial", 200000, 1,
	                 1000000000000LL, &pay.fee_rial, err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "window_minutes", 20, 1, 1440, &window_min,
	                 err, sizeof(err)) ||
	    conf_get_int(cfg, "payments", "reconcile_after_seconds", 60, 0, 86400,
	                 &after_s, err, sizeof(err))) {
		log_error("payments: %s", err);
		return -1;
	}
	pay.window_ms = window_min * 60000;
	pay.reconcile_after_ms = after_s * 1000;
	snprintf(pay.base_url, sizeof(pay.base_url), "%s",
	         conf_get(cfg, "core", "public_base_url", "http://127.0.0.1:8080"));
	return 0;
}

int64_t payments_fee_rial(void)
{
	return pay.fee_rial;
}

/* ---- one payment row ---------------------------------------------------- */

struct payment {
	int64_t id;
	int64_t order_id;
	int64_t app_id;
	char gateway[33];
	int64_t amount;
	char state[16];
	char token[129];
	int64_t created_ms;
	int64_t expires_ms;
	char message[256];
	char reference[65];
	char subject[11];           /* the application's national ID */
	char mobile[12];
};

static int parse_time(const char *s, int64_t *out)
{
	int64_t ms;

	/* DATETIME(3) text "YYYY-MM-DD HH:MM:SS.mmm" is also valid ISO. */
	char iso[40];

	if (!s || str_fmt(iso, sizeof(iso), "%.10sT%sZ", s, s + 11) ||
	    clock_parse_iso(iso, &ms))
		return -1;
	*out = ms;
	return 0;
}

#define PAYMENT_COLUMNS \
	"p.id, p.order_id, p.application_id, p.gateway, p.amount_rial, p.state," \
	" p.token, p.created_at, p.expires_at, p.message, p.reference," \
	" a.national_id, a.mobile"

static int payment_from_rows(struct crs_rows *r, struct payment *p)
{
	const char *s;

	memset(p, 0, sizeof(*p));
	if (rows_int(r, 0, &p->id) || rows_int(r, 1, &p->order_id) ||
	    rows_int(r, 2, &p->app_id) || rows_int(r, 4, &p->amount))
		return CRS_EFAIL;
	snprintf(p->gateway, sizeof(p->gateway), "%s", rows_str(r, 3));
	snprintf(p->state, sizeof(p->state), "%s", rows_str(r, 5));
	s = rows_str(r, 6);
	snprintf(p->token, sizeof(p->token), "%s", s ? s : "");
	parse_time(rows_str(r, 7), &p->created_ms);
	parse_time(rows_str(r, 8), &p->expires_ms);
	s = rows_str(r, 9);
	snprintf(p->message, sizeof(p->message), "%s", s ? s : "");
	s = rows_str(r, 10);
	snprintf(p->reference, sizeof(p->reference), "%s", s ? s : "");
	snprintf(p->subject, sizeof(p->subject), "%s", rows_str(r, 11));
	s = rows_str(r, 12);
	snprintf(p->mobile, sizeof(p->mobile), "%s", s ? s : "");
	return CRS_OK;
}

static int payment_load(struct crs_db *db, const char *where,
                        const struct crs_param *params, size_t n,
                        struct payment *p)
{
	char sql[512];
	struct crs_rows *r = NULL;
	int rc;

	if (str_fmt(sql, sizeof(sql), "SELECT " PAYMENT_COLUMNS " FROM payment p"
	            " JOIN application a ON a.id = p.application_id WHERE %s", where))
		return CRS_EINVAL;
	rc = db_exec(db, sql, params, n, &r, NULL);
	if (rc)
		return rc;
	rc = rows_next(r) ? payment_from_rows(r, p) : CRS_ENOTFOUND;
	rows_free(r);
	return rc;
}

static void callback_url(const char *gateway, char *out, size_t n)
{
	snprintf(out, n, "%s/pay/%s/callback", pay.base_url, gateway);
}

static void attempt_of(const struct payment *p, char *cb, size_t cbsz,
                       struct crs_pay_attempt *a)
{
	callback_url(p->gateway, cb, cbsz);
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

static int64_t now_ms(void)
{
	return clock_now_ms();
}

static void sql_time(int64_t ms, char out[24])
{
	clock_sql_datetime(ms, out);
}

/* ---- GET /api/v1/gateways ------------------------------------------------ */

int payments_gateways_handle(struct crs_req *req, void *unused)
{
	struct json_object *o = json_object_new_object();

	(void)unused;
	json_object_object_add(o, "gateways", modules_gateways_json());
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* ---- POST /api/v1/payments ---------------------------------------------- */

struct create {
	const char *subject;
	const char *gateway;
	struct payment p;
	const char *refusal;        /* set when the application cannot pay */
};

static int create_tx(struct crs_db *db, void *arg)
{
	struct create *c = arg;
	struct crs_rows *r = NULL;
	struct crs_exec ex;
	char now[24], expires[24];
	int64_t t = now_ms(), app_id, hold_ms = 0, order;
	unsigned char rnd[8];
	const char *stage, *hold;
	int rc, tries;

	c->refusal = NULL;
	rc = db_exec(db, "SELECT id, stage, hold_until, mobile FROM application"
	                 " WHERE national_id = ? FOR UPDATE",
	             CRS_PARAMS(CRS_P_STR(c->subject)), &r, NULL);
	if (rc)
		return rc;
	if (!rows_next(r)) {
		rows_free(r);
		c->refusal = MSG_PAY_NOTHING_TO_PAY;
		return CRS_EREFUSED;
	}
	rows_int(r, 0, &app_id);
	stage = rows_str(r, 1);
	hold = rows_str(r, 2);
	if (hold)
		parse_time(hold, &hold_ms);
	memset(&c->p, 0, sizeof(c->p));
	snprintf(c->p.mobile, sizeof(c->p.mobile), "%s", rows_str(r, 3) ? rows_str(r, 3) : "");
	if (strcmp(stage, "reserved") != 0) {
		c->refusal = strcmp(stage, "paid") == 0 || strcmp(stage, "paid_no_slot") == 0
		                     ? MSG_PAY_ALREADY_PAID : MSG_PAY_NOTHING_TO_PAY;
	} else if (hold_ms <= t) {
		c->refusal = MSG_PAY_HOLD_EXPIRED;
	}
	rows_free(r);
	if (c->refusal)
		return CRS_EREFUSED;
	sql_time(t, now);
	sql_time(t + pay.window_ms, expires);
	/* Numeric, unique, unguessable order ids (the banks want int64). */
	for (tries = 0; tries < 5; tries++) {
		if (random_bytes(rnd, sizeof(rnd)))
			return CRS_EFAIL;
		memcpy(&order, rnd, sizeof(order));
		order = 100000000000000LL + (int64_t)((uint64_t)order % 899999999999999ULL);
		rc = db_exec(db, "INSERT INTO payment (order_id, application_id, gateway,"
		                 " amount_rial, state, created_at, updated_at, expires_at)"
		                 " VALUES (?, ?, ?, ?, 'created', ?, ?, ?)",
		             CRS_PARAMS(CRS_P_INT(order), CRS_P_INT(app_id),
		                        CRS_P_STR(c->gateway), CRS_P_INT(pay.fee_rial),
		                        CRS_P_STR(now), CRS_P_STR(now), CRS_P_STR(expires)),
		             NULL, &ex);
		if (rc != CRS_EDUP)
			break;
	}
	if (rc)
		return rc;
	/* The hold is not extended here: the registration sweeper leaves a
	 * hold alone while a payment of it is open at the bank, and once the
	 * payment fails the hold's own time applies again. */
	c->p.id = (int64_t)ex.insert_id;
	c->p.order_id = order;
	c->p.app_id = app_id;
	c->p.amount = pay.fee_rial;
	c->p.created_ms = t;
	c->p.expires_ms = t + pay.window_ms;
	snprintf(c->p.gateway, sizeof(c->p.gateway), "%s", c->gateway);
	snprintf(c->p.subject, sizeof(c->p.subject), "%s", c->subject);
	return CRS_OK;
}

static int set_state(struct crs_db *db, int64_t id, const char *from,
                     const char *to, const char *message)
{
	char now[24];

	sql_time(now_ms(), now);
	return db_exec(db, "UPDATE payment SET state = ?, message = ?, updated_at = ?,"
	                   " finished_at = ?, verify_claimed_at = NULL"
	                   " WHERE id = ? AND state = ?",
	               CRS_PARAMS(CRS_P_STR(to), CRS_P_STR(message), CRS_P_STR(now),
	                          CRS_P_STR(now), CRS_P_INT(id), CRS_P_STR(from)),
	               NULL, NULL);
}

/* A statement outside any transaction (autocommit). */
static int exec_once(int64_t deadline, const char *sql,
                     const struct crs_param *params, size_t n,
                     struct crs_exec *ex)
{
	struct crs_db *db;
	int rc = db_acquire(deadline, &db);

	if (rc)
		return rc;
	rc = db_exec(db, sql, params, n, NULL, ex);
	db_release(db);
	return rc;
}

int payments_create_handle(struct crs_req *req, void *unused)
{
	const char *gateway = NULL;
	const struct crs_gateway_ops *ops = NULL;
	struct plugin_instance *pin;
	struct crs_pay_attempt a;
	struct crs_pay_redirect rd;
	struct json_object *v, *o, *r;
	struct create c;
	char token[129] = "", msg[256] = "", cb[400], now[24];
	void *g = NULL;
	int rc;

	(void)unused;
	if (json_object_object_get_ex(req->json, "gateway", &v) &&
	    json_object_is_type(v, json_type_string))
		gateway = json_object_get_string(v);
	pin = gateway ? modules_gateway_pin(gateway, 1, &ops, &g) : NULL;
	if (!pin) {
		resp_fail(req, 400, "FIELD_INVALID", MSG_PAY_NO_GATEWAY, "gateway");
		return CRS_HANDLED;
	}
	memset(&c, 0, sizeof(c));
	c.subject = req->session_subject;
	c.gateway = gateway;
	rc = db_tx(req->deadline_mono, create_tx, &c);
	if (rc == CRS_EREFUSED) {
		resp_fail(req, 409, "OPERATION_NOT_ALLOWED", c.refusal, NULL);
		goto out;
	}
	if (rc) {
		resp_fail_db(req, rc);
		goto out;
	}
	attempt_of(&c.p, cb, sizeof(cb), &a);
	/* Outside any transaction: the bank may be slow. */
	rc = ops->request_token(g, &a, token, sizeof(token), msg, sizeof(msg));
	if (rc != CRS_OK || !token[0]) {
		struct crs_db *db;

		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "%s refused a token for order %lld (%d)", gateway,
		        (long long)c.p.order_id, rc);
		if (db_acquire(req->deadline_mono, &db) == CRS_OK) {
			set_state(db, c.p.id, "created", "failed", msg[0] ? msg : MSG_PAY_BANK_DOWN);
			db_release(db);
		}
		resp_fail(req, 502, "GATEWAY_UNAVAILABLE", msg[0] ? msg : MSG_PAY_BANK_DOWN,
		          NULL);
		goto out;
	}
	sql_time(now_ms(), now);
	rc = exec_once(req->deadline_mono,
	               "UPDATE payment SET token = ?, state = 'redirected', updated_at = ?"
	               " WHERE id = ? AND state = 'created'",
	               CRS_PARAMS(CRS_P_STR(token), CRS_P_STR(now), CRS_P_INT(c.p.id)),
	               NULL);
	if (rc) {
		resp_fail_db(req, rc);
		goto out;
	}
	snprintf(c.p.token, sizeof(c.p.token), "%s", token);
	attempt_of(&c.p, cb, sizeof(cb), &a);
	memset(&rd, 0, sizeof(rd));
	rc = ops->describe_redirect(g, &a, &rd);
	if (rc) {
		json_object_put(rd.fields);
		resp_fail(req, 502, "GATEWAY_UNAVAILABLE", MSG_PAY_BANK_DOWN, NULL);
		goto out;
	}
	if (!rd.fields)
		rd.fields = json_object_new_object();
	o = json_object_new_object();
	json_object_object_add(o, "payment_id", json_object_new_int64(c.p.id));
	json_object_object_add(o, "order_id", json_object_new_int64(c.p.order_id));
	json_object_object_add(o, "amount_rial", json_object_new_int64(c.p.amount));
	r = json_object_new_object();
	json_object_object_add(r, "method", json_object_new_string(rd.method));
	json_object_object_add(r, "url", json_object_new_string(rd.url));
	json_object_object_add(r, "fields", rd.fields);
	json_object_object_add(o, "redirect", r);
	resp_send_json_new(req, 201, o);
	log_msg(CRS_LOG_INFO, "payments", req->id, "payment %lld order %lld at %s",
	        (long long)c.p.id, (long long)c.p.order_id, gateway);
out:
	modules_unpin(pin);
	return CRS_HANDLED;
}

/* ---- GET /api/v1/payments/{payment_id} ----------------------------------- */

static const char *citizen_state(const char *state)
{
	if (!strcmp(state, "created") || !strcmp(state, "redirected"))
		return "pending";
	return state;
}

int payments_get_handle(struct crs_req *req, void *unused)
{
	const char *id_s = req_get_param(req, "payment_id");
	struct json_object *o;
	struct payment p;
	struct crs_db *db;
	int64_t id;
	int rc;

	(void)unused;
	if (parse_i64(id_s, &id) || id <= 0) {
		resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL);
		return CRS_HANDLED;
	}
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	/* Owner only: the session's national ID is part of the lookup. */
	rc = payment_load(db, "p.id = ? AND a.national_id = ?",
	                  CRS_PARAMS(CRS_P_INT(id), CRS_P_STR(req->session_subject)), &p);
	req_db_release(req, db);
	if (rc == CRS_ENOTFOUND) {
		resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL);
		return CRS_HANDLED;
	}
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	o = json_object_new_object();
	json_object_object_add(o, "payment_id", json_object_new_int64(p.id));
	json_object_object_add(o, "state", json_object_new_string(citizen_state(p.state)));
	json_object_object_add(o, "amount_rial", json_object_new_int64(p.amount));
	json_object_object_add(o, "gateway", json_object_new_string(p.gateway));
	json_object_object_add(o, "reference", p.reference[0]
	                                               ? json_object_new_string(p.reference)
	                                               : NULL);
	json_object_object_add(o, "message", json_object_new_string(
		!strcmp(p.state, "verified") ? MSG_PAY_VERIFIED :
		p.message[0] ? p.message :
		!strcmp(p.state, "expired") ? MSG_PAY_EXPIRED :
		!strcmp(p.state, "failed") ? MSG_PAY_FAILED : MSG_PAY_PENDING));
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* ---- verification and its meaning ----------------------------------------- */

/* 9 random digits, unique (the database says). */
static int assign_tracking(struct crs_db *db, int64_t app_id, char out[10])
{
	unsigned char rnd[4];
	uint32_t v;
	int rc = CRS_EFAIL, tries;

	for (tries = 0; tries < 8; tries++) {
		if (random_bytes(rnd, sizeof(rnd)))
			return CRS_EFAIL;
		memcpy(&v, rnd, sizeof(v));
		snprintf(out, 10, "%09u", 100000000u + v % 900000000u);
		rc = db_exec(db, "UPDATE application SET tracking_code = ? WHERE id = ?"
		                 " AND tracking_code IS NULL",
		             CRS_PARAMS(CRS_P_STR(out), CRS_P_INT(app_id)), NULL, NULL);
		if (rc != CRS_EDUP)
			return rc;
	}
	return rc;
}

struct apply {
	const struct payment *p;
	const struct crs_pay_outcome *out;
	int applied;                /* this call made the payment verified */
	int duplicate;              /* the application was already paid */
	char tracking[10];
};

/* The one place that decides what a verified payment means. */
static int apply_verified_tx(struct crs_db *db, void *arg)
{
	struct apply *ap = arg;
	const struct payment *p = ap->p;
	struct crs_rows *r = NULL;
	struct crs_exec ex;
	char now[24], sms[256];
	const char *stage, *office, *tc, *hold;
	int64_t hold_ms = 0, t = now_ms();
	int rc, held;

	ap->applied = ap->duplicate = 0;
	ap->tracking[0] = '\0';
	sql_time(now_ms(), now);
	/* Lock the application before the payment (the order every writer of
	 * both uses), so two payments of one application serialise here. */
	rc = db_exec(db, "SELECT stage, office_id, tracking_code, hold_until,"
	                 " appt_day, appt_shift FROM application"
	                 " WHERE id = ? FOR UPDATE",
	             CRS_PARAMS(CRS_P_INT(p->app_id)), &r, NULL);
	if (rc)
		return rc;
	if (!rows_next(r)) {
		rows_free(r);
		return CRS_ENOTFOUND;
	}
	stage = rows_str(r, 0);
	office = rows_str(r, 1);
	tc = rows_str(r, 2);
	hold = rows_str(r, 3);
	if (hold)
		parse_time(hold, &hold_ms);
	/* The place is held until its own time or, while this payment was at
	 * the bank, until the payment window closed: whichever is later. */
	held = !strcmp(stage, "reserved") && office &&
	       t <= (hold_ms > p->expires_ms ? hold_ms : p->expires_ms);
	if (tc)
		snprintf(ap->tracking, sizeof(ap->tracking), "%s", tc);
	rc = db_exec(db, "UPDATE payment SET state = 'verified', reference = ?,"
	                 " trace = ?, card_masked = ?, bank_code = ?, message = NULL,"
	                 " outcome_unknown = 0, verify_claimed_at = NULL,"
	                 " updated_at = ?, finished_at = ?"
	                 " WHERE id = ? AND state = 'redirected'",
	             CRS_PARAMS(CRS_P_STR(ap->out->reference), CRS_P_STR(ap->out->trace),
	                        CRS_P_STR(ap->out->card_masked),
	                        CRS_P_STR(ap->out->bank_code), CRS_P_STR(now),
	                        CRS_P_STR(now), CRS_P_INT(p->id)), NULL, &ex);
	if (rc || ex.affected != 1) {
		/* Already decided by a concurrent callback or the reconciler. */
		rows_free(r);
		return rc;
	}
	ap->applied = 1;
	if (held) {
		rc = db_exec(db, "UPDATE application SET stage = 'paid', hold_until = NULL,"
		                 " paid_at = ?, updated_at = ? WHERE id = ?",
		             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now), CRS_P_INT(p->app_id)),
		             NULL, NULL);
	} else if (!strcmp(stage, "entered") || !strcmp(stage, "details_done") ||
	           !strcmp(stage, "reserved")) {
		/* The hold ran out while the citizen was at the bank: the money
		 * is kept, the citizen chooses a place again without paying.
		 * A lapsed hold the sweeper has not freed yet is freed here. */
		if (office)
			rc = db_exec(db, "UPDATE slot SET taken = taken - 1 WHERE office_id = ?"
			                 " AND day = ? AND shift = ? AND taken > 0",
			             CRS_PARAMS(CRS_P_STR(office), CRS_P_STR(rows_str(r, 4)),
			                        CRS_P_STR(rows_str(r, 5))), NULL, NULL);
		if (rc == CRS_OK)
			rc = db_exec(db, "UPDATE application SET stage = 'paid_no_slot',"
		                 " office_id = NULL, appt_day = NULL, appt_shift = NULL,"
		                 " hold_until = NULL, paid_at = ?, updated_at = ? WHERE id = ?",
		             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now), CRS_P_INT(p->app_id)),
		             NULL, NULL);
	} else {
		/* Paid twice (two attempts both succeeded at the bank). */
		ap->duplicate = 1;
	}
	rows_free(r);
	if (rc || ap->duplicate)
		return rc;
	if (!ap->tracking[0]) {
		rc = assign_tracking(db, p->app_id, ap->tracking);
		if (rc)
			return rc;
	}
	if (p->mobile[0]) {
		snprintf(sms, sizeof(sms), MSG_SMS_PAID, ap->tracking);
		rc = outbox_sms(db, p->mobile, sms);
	}
	return rc;
}

/* Claim the right to verify one payment: one verify per token at a time,
 * decided by the database.  1 when claimed. */
static int claim(int64_t id)
{
	char now[24], stale[24];
	struct crs_exec ex;
	int64_t t = now_ms();

	sql_time(t, now);
	sql_time(t - CLAIM_TIMEOUT_MS, stale);
	if (exec_once(mono_ms() + 5000,
	              "UPDATE payment SET verify_claimed_at = ?,"
	              " verify_attempts = verify_attempts + 1"
	              " WHERE id = ? AND state = 'redirected' AND token IS NOT NULL"
	              " AND (verify_claimed_at IS NULL OR verify_claimed_at < ?)",
	              CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(id), CRS_P_STR(stale)),
	              &ex) != CRS_OK)
		return 0;
	return ex.affected == 1;
}

/* Give the claim back; updated_at moves so the reconciler waits before it
 * asks the bank again. */
static void unclaim(int64_t id, int unknown)
{
	char now[24];

	sql_time(now_ms(), now);
	exec_once(mono_ms() + 5000,
	          "UPDATE payment SET verify_claimed_at = NULL, updated_at = ?,"
	          " outcome_unknown = GREATEST(outcome_unknown, ?)"
	          " WHERE id = ? AND state = 'redirected'",
	          CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(unknown), CRS_P_INT(id)), NULL);
}

static int fail_now(const struct payment *p, const char *to, const char *msg)
{
	struct crs_db *db;
	int rc = db_acquire(mono_ms() + 5000, &db);

	if (rc)
		return rc;
	rc = set_state(db, p->id, "redirected", to, msg);
	db_release(db);
	return rc;
}

/* Is another payment of the same application already verified?  Then this
 * one is never confirmed: the bank returns the money by itself. */
static int already_paid(const struct payment *p, int *paid)
{
	struct crs_rows *r = NULL;
	struct crs_db *db;
	int rc = db_acquire(mono_ms() + 5000, &db);

	if (rc)
		return rc;
	rc = db_exec(db, "SELECT 1 FROM payment WHERE application_id = ? AND id <> ?"
	                 " AND state = 'verified' LIMIT 1",
	             CRS_PARAMS(CRS_P_INT(p->app_id), CRS_P_INT(p->id)), &r, NULL);
	db_release(db);
	if (rc)
		return rc;
	*paid = rows_next(r);
	rows_free(r);
	return CRS_OK;
}

/*
 * Money the bank took that we will not keep: reverse it where the bank has
 * a reversal (Parsian), else leave it unconfirmed for the bank's automatic
 * refund (Sadad).  Either way the citizen is told the 72-hour rule.
 */
static void give_back_money(const struct payment *p,
                            const struct crs_gateway_ops *ops, void *g,
                            const struct crs_pay_attempt *a, const char *msg)
{
	struct crs_pay_outcome out;

	memset(&out, 0, sizeof(out));
	if (ops->reverse && ops->reverse(g, a, &out) == CRS_OK) {
		log_info("payments: payment %lld reversed at %s", (long long)p->id,
		         p->gateway);
		fail_now(p, "reversed", msg);
		return;
	}
	fail_now(p, "failed", msg);
}

/*
 * Verify a claimed payment with its bank and apply the answer.  final:
 * the bank's window is over, so "not paid" means expired.  Returns 1 when
 * the payment reached a final state.
 */
static int verify_claimed(const struct payment *p, const struct crs_pay_callback *cb,
                          int final)
{
	const struct crs_gateway_ops *ops = NULL;
	struct crs_pay_outcome out;
	struct crs_pay_attempt a;
	struct plugin_instance *pin;
	struct apply ap;
	char url[400];
	void *g = NULL;
	int rc, paid = 0;

	pin = modules_gateway_pin(p->gateway, 0, &ops, &g);
	if (!pin) {
		unclaim(p->id, 0);
		return 0;
	}
	attempt_of(p, url, sizeof(url), &a);
	if (already_paid(p, &paid) == CRS_OK && paid) {
		log_warn("payments: payment %lld not confirmed: its application is "
		         "already paid", (long long)p->id);
		give_back_money(p, ops, g, &a, MSG_PAY_DUPLICATE);
		modules_unpin(pin);
		return 1;
	}
	memset(&out, 0, sizeof(out));
	out.amount_rial = -1;
	rc = ops->verify(g, &a, cb, &out);
	if (rc != CRS_OK)
		out.verdict = CRS_PAY_UNKNOWN;
	if (out.verdict == CRS_PAY_VERIFIED && out.amount_rial >= 0 &&
	    out.amount_rial != p->amount) {
		/* Tampering or a bug: never paid on a wrong amount. */
		log_error("payments: payment %lld: bank confirmed %lld rial, expected "
		          "%lld; refused", (long long)p->id, (long long)out.amount_rial,
		          (long long)p->amount);
		give_back_money(p, ops, g, &a, MSG_PAY_AMOUNT);
		modules_unpin(pin);
		return 1;
	}
	if (out.verdict == CRS_PAY_FAILED && cb && cb->bank_says_ok) {
		/* The bank said paid, then refused the confirm: its money is
		 * returned (gateways.md §2.11). */
		give_back_money(p, ops, g, &a,
		                out.message[0] ? out.message : MSG_PAY_FAILED);
		modules_unpin(pin);
		return 1;
	}
	modules_unpin(pin);
	switch (out.verdict) {
	case CRS_PAY_VERIFIED:
		memset(&ap, 0, sizeof(ap));
		ap.p = p;
		ap.out = &out;
		rc = db_tx(mono_ms() + 15000, apply_verified_tx, &ap);
		if (rc) {
			/* Confirmed at the bank, not recorded: the reconciler
			 * verifies again (the bank answers "already done"). */
			log_error("payments: payment %lld verified but not recorded (%d)",
			          (long long)p->id, rc);
			unclaim(p->id, 1);
			return 0;
		}
		if (ap.duplicate)
			log_error("payments: payment %lld confirmed for an application "
			          "already paid: refund it (reference %s)",
			          (long long)p->id, out.reference);
		else if (ap.applied)
			log_info("payments: payment %lld verified, tracking %s",
			         (long long)p->id, ap.tracking);
		return 1;
	case CRS_PAY_FAILED:
		if (cb || final) {
			fail_now(p, final && !cb ? "expired" : "failed",
			         out.message[0] ? out.message : MSG_PAY_FAILED);
			return 1;
		}
		/* Not paid yet, and the citizen may still be at the bank. */
		unclaim(p->id, 0);
		return 0;
	default:
		log_warn("payments: payment %lld: no answer from %s; the reconciler "
		         "asks again", (long long)p->id, p->gateway);
		unclaim(p->id, 1);
		return 0;
	}
}

/* ---- POST|GET /pay/{gateway}/callback ------------------------------------ */

static int to_result(struct crs_req *req, int64_t payment_id)
{
	char loc[512];

	if (payment_id > 0)
		snprintf(loc, sizeof(loc), "%s/result.html?payment=%lld", pay.base_url,
		         (long long)payment_id);
	else
		snprintf(loc, sizeof(loc), "%s/result.html", pay.base_url);
	return resp_send_redirect(req, 303, loc) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int payments_callback_handle(struct crs_req *req, void *unused)
{
	const char *gateway = req_get_param(req, "gateway");
	const struct crs_gateway_ops *ops = NULL;
	struct crs_pay_callback cb;
	struct plugin_instance *pin;
	struct payment p;
	struct crs_db *db;
	void *g = NULL;
	int rc;

	(void)unused;
	pin = modules_gateway_pin(gateway, 0, &ops, &g);
	if (!pin) {
		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "callback for unknown or disabled gateway %s", gateway);
		return to_result(req, 0);
	}
	memset(&cb, 0, sizeof(cb));
	cb.amount_rial = -1;
	rc = ops->parse_callback(g, req, &cb);
	modules_unpin(pin);
	if (rc != CRS_OK || (!cb.token[0] && cb.order_id <= 0)) {
		log_msg(CRS_LOG_WARN, "payments", req->id, "unusable %s callback", gateway);
		return to_result(req, 0);
	}
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	/* The stored token finds the payment (X4): a posted order id alone
	 * never does. */
	if (cb.token[0])
		rc = payment_load(db, "p.gateway = ? AND p.token = ?",
		                  CRS_PARAMS(CRS_P_STR(gateway), CRS_P_STR(cb.token)), &p);
	else
		rc = CRS_ENOTFOUND;
	req_db_release(req, db);
	if (rc == CRS_ENOTFOUND) {
		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "%s callback with an unknown token (order %lld)", gateway,
		        (long long)cb.order_id);
		return to_result(req, 0);
	}
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	if (cb.order_id > 0 && cb.order_id != p.order_id) {
		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "%s callback: token of order %lld posted with order %lld; ignored",
		        gateway, (long long)p.order_id, (long long)cb.order_id);
		return to_result(req, p.id);
	}
	if (strcmp(p.state, "redirected") != 0)
		return to_result(req, p.id);         /* a replay: nothing changes */
	if (cb.amount_rial >= 0 && cb.amount_rial != p.amount) {
		/* A forged or broken callback: decide nothing on it.  The
		 * reconciler verifies with the stored amount. */
		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "%s callback amount %lld differs from %lld for payment %lld",
		        gateway, (long long)cb.amount_rial, (long long)p.amount,
		        (long long)p.id);
		return to_result(req, p.id);
	}
	if (!cb.bank_says_ok) {
		/* Cancelled or declined: not confirmed (the banks' advice). */
		struct crs_db *d2;

		if (req_db_acquire(req, &d2) == CRS_OK) {
			set_state(d2, p.id, "redirected", "failed", MSG_PAY_CANCELLED);
			req_db_release(req, d2);
		}
		return to_result(req, p.id);
	}
	if (claim(p.id))
		verify_claimed(&p, &cb, 0);
	return to_result(req, p.id);
}

/* ---- the reconciler -------------------------------------------------------- */

static void reconcile_one(int64_t id)
{
	struct payment p;
	struct crs_db *db;
	int64_t t = now_ms();
	int rc;

	if (db_acquire(mono_ms() + 5000, &db))
		return;
	rc = payment_load(db, "p.id = ?", CRS_PARAMS(CRS_P_INT(id)), &p);
	db_release(db);
	if (rc)
		return;
	if (!strcmp(p.state, "created")) {
		/* The token request never finished (a crash): nobody was sent
		 * to the bank with it. */
		if (t - p.created_ms > 60000)
			fail_now(&p, "failed", MSG_PAY_BANK_DOWN);
		return;
	}
	if (strcmp(p.state, "redirected") != 0 || !claim(p.id))
		return;
	verify_claimed(&p, NULL, t > p.expires_ms);
}

static void finish_drains(struct crs_db *db)
{
	char names[512], *save = NULL, *name;

	modules_draining_gateways(names, sizeof(names));
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		struct crs_rows *r = NULL;

		if (db_exec(db, "SELECT 1 FROM payment WHERE gateway = ? AND state IN"
		                " ('created', 'redirected') LIMIT 1",
		            CRS_PARAMS(CRS_P_STR(name)), &r, NULL) != CRS_OK)
			continue;
		if (!rows_next(r))
			modules_gateway_drained(name);
		rows_free(r);
	}
}

void payments_reconcile(void *unused, void *arg)
{
	struct crs_rows *r = NULL;
	struct crs_db *db;
	char quiet[24];
	int64_t ids[50];
	size_t n = 0, i;

	(void)unused;
	(void)arg;
	/* Fresh payments belong to their callback for a while. */
	sql_time(now_ms() - pay.reconcile_after_ms, quiet);
	if (db_acquire(mono_ms() + 5000, &db))
		return;
	if (db_exec(db, "SELECT id FROM payment WHERE state IN ('created', 'redirected')"
	                " AND updated_at < ? ORDER BY id LIMIT 50",
	            CRS_PARAMS(CRS_P_STR(quiet)), &r, NULL) == CRS_OK) {
		while (rows_next(r) && n < 50)
			if (rows_int(r, 0, &ids[n]) == CRS_OK)
				n++;
		rows_free(r);
	}
	finish_drains(db);
	db_release(db);
	for (i = 0; i < n; i++)
		reconcile_one(ids[i]);
}
