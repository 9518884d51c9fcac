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
#include "modules_pay.h"
#include "modules_admin.h"
#include "pay_attempt.h"
#include "pay_settle.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int payments_init(const struct conf *cfg)
{
	return pay_config_init(cfg);
}

int64_t payments_fee_rial(void)
{
	return pay_config()->fee_rial;
}

static const char *req_json_string(struct crs_req *req, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(req->json, key, &v) &&
	               json_object_is_type(v, json_type_string)
	       ? json_object_get_string(v) : NULL;
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
	const char *subject;        /* the session's */
	const char *gateway;
	const struct crs_payable_ops *payable;
	void *payable_inst;
	struct payment p;
	int status;                 /* of a refusal */
	const char *code;
	const char *refusal;
};

static int refuse(struct create *c, int status, const char *code, const char *msg)
{
	c->status = status;
	c->code = code;
	c->refusal = msg;
	return CRS_EREFUSED;
}

/* Attempts are bounded per subject: at the bank at once, and a day. */
static int within_bounds(struct crs_db *db, struct create *c, int64_t subject,
                         const char *now, const char *day_ago)
{
	const struct pay_config *cfg = pay_config();
	struct crs_rows *r = NULL;
	int64_t open = 0, today = 0;
	int rc;

	rc = db_exec(db, "SELECT COALESCE(SUM(state IN ('created', 'redirected')"
	                 " AND callback_failed_at IS NULL AND expires_at > ?), 0),"
	                 " COALESCE(SUM(created_at > ?), 0)"
	                 " FROM payment WHERE payable = ? AND subject_id = ?",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(day_ago),
	                        CRS_P_STR(c->payable->name), CRS_P_INT(subject)),
	             &r, NULL);
	if (rc)
		return rc;
	if (rows_next(r)) {
		rows_int(r, 0, &open);
		rows_int(r, 1, &today);
	}
	rows_free(r);
	if (open >= cfg->max_open)
		return refuse(c, 429, "RATE_LIMITED", MSG_PAY_TOO_MANY_OPEN);
	if (today >= cfg->max_per_day)
		return refuse(c, 429, "RATE_LIMITED", MSG_PAY_TOO_MANY_TODAY);
	return CRS_OK;
}

static int create_tx(struct crs_db *db, void *arg)
{
	const struct pay_config *cfg = pay_config();
	struct create *c = arg;
	struct crs_payable_quote q;
	struct crs_exec ex;
	char now[24], expires[24], day_ago[24];
	int64_t t = now_ms(), order;
	unsigned char rnd[8];
	int rc, tries;

	c->refusal = NULL;
	memset(&c->p, 0, sizeof(c->p));
	memset(&q, 0, sizeof(q));
	q.struct_size = sizeof(q);
	/* The payable locks its subject and says what it costs. */
	rc = c->payable->quote(c->payable_inst, db, c->subject, &q);
	if (rc == CRS_EREFUSED)
		return refuse(c, q.refusal_status ? q.refusal_status : 409,
		              q.refusal_code ? q.refusal_code : "OPERATION_NOT_ALLOWED",
		              q.refusal_message ? q.refusal_message : MSG_FORBIDDEN);
	if (rc)
		return rc;
	if (q.subject_id <= 0 || q.amount_rial <= 0)
		return CRS_EFAIL;
	sql_time(t, now);
	sql_time(t + cfg->window_ms, expires);
	sql_time(t - 86400000LL, day_ago);
	rc = within_bounds(db, c, q.subject_id, now, day_ago);
	if (rc)
		return rc;
	q.mobile[sizeof(q.mobile) - 1] = '\0';
	/* Numeric, unique, unguessable order ids (the banks want int64). */
	for (tries = 0; tries < 5; tries++) {
		if (random_bytes(rnd, sizeof(rnd)))
			return CRS_EFAIL;
		memcpy(&order, rnd, sizeof(order));
		order = 100000000000000LL + (int64_t)((uint64_t)order % 899999999999999ULL);
		rc = db_exec(db, "INSERT INTO payment (order_id, payable, subject_id, owner,"
		                 " mobile, gateway, amount_rial, state, created_at,"
		                 " updated_at, expires_at)"
		                 " VALUES (?, ?, ?, ?, ?, ?, ?, 'created', ?, ?, ?)",
		             CRS_PARAMS(CRS_P_INT(order), CRS_P_STR(c->payable->name),
		                        CRS_P_INT(q.subject_id), CRS_P_STR(c->subject),
		                        q.mobile[0] ? CRS_P_STR(q.mobile) : CRS_P_NULL,
		                        CRS_P_STR(c->gateway), CRS_P_INT(q.amount_rial),
		                        CRS_P_STR(now), CRS_P_STR(now), CRS_P_STR(expires)),
		             NULL, &ex);
		if (rc != CRS_EDUP)
			break;
	}
	if (rc)
		return rc;
	c->p.id = (int64_t)ex.insert_id;
	c->p.order_id = order;
	c->p.subject_id = q.subject_id;
	c->p.amount = q.amount_rial;
	c->p.created_ms = t;
	c->p.expires_ms = t + cfg->window_ms;
	snprintf(c->p.payable, sizeof(c->p.payable), "%s", c->payable->name);
	snprintf(c->p.gateway, sizeof(c->p.gateway), "%s", c->gateway);
	snprintf(c->p.owner, sizeof(c->p.owner), "%s", c->subject);
	snprintf(c->p.mobile, sizeof(c->p.mobile), "%s", q.mobile);
	/* The place is held while this attempt is at the bank. */
	return pay_at_bank(db, c->payable, c->payable_inst, c->payable->name,
	                   q.subject_id);
}

/* The bank gave no token: the attempt ends here (nobody went to the bank). */
static void token_refused(struct crs_req *req, const struct payment *p, int rc,
                          const char *msg)
{
	log_msg(CRS_LOG_WARN, "payments", req->id,
	        "%s refused a token for order %lld (%d)", p->gateway,
	        (long long)p->order_id, rc);
	pay_attempt_finish(p, "created", "failed", msg[0] ? msg : MSG_PAY_BANK_DOWN);
	resp_fail(req, 502, "GATEWAY_UNAVAILABLE", msg[0] ? msg : MSG_PAY_BANK_DOWN, NULL);
}

static int redirect_reply(struct crs_req *req, const struct payment *p,
                          struct crs_pay_redirect *rd)
{
	struct json_object *o, *r;

	if (!rd->fields)
		rd->fields = json_object_new_object();
	o = json_object_new_object();
	json_object_object_add(o, "payment_id", json_object_new_int64(p->id));
	json_object_object_add(o, "order_id", json_object_new_int64(p->order_id));
	json_object_object_add(o, "amount_rial", json_object_new_int64(p->amount));
	r = json_object_new_object();
	json_object_object_add(r, "method", json_object_new_string(rd->method));
	json_object_object_add(r, "url", json_object_new_string(rd->url));
	json_object_object_add(r, "fields", rd->fields);
	rd->fields = NULL;
	json_object_object_add(o, "redirect", r);
	return resp_send_json_new(req, 201, o);
}

int payments_create_handle(struct crs_req *req, void *unused)
{
	const struct crs_gateway_ops *ops = NULL;
	struct plugin_instance *pin, *ppin = NULL;
	struct crs_pay_attempt a;
	struct crs_pay_redirect rd;
	struct crs_exec ex;
	struct create c;
	char token[129] = "", msg[256] = "", cb[400], now[24];
	const char *gateway = NULL;
	void *g = NULL;
	int rc;

	(void)unused;
	gateway = req_json_string(req, "gateway");
	pin = gateway ? modules_gateway_pin(gateway, 1, &ops, &g) : NULL;
	if (!pin) {
		resp_fail(req, 400, "FIELD_INVALID", MSG_PAY_NO_GATEWAY, "gateway");
		return CRS_HANDLED;
	}
	memset(&c, 0, sizeof(c));
	c.subject = req->session_subject;
	c.gateway = gateway;
	/* What is paid for: the body may name it; else the one there is. */
	ppin = modules_payable_pin(req_json_string(req, "payable"), 1, &c.payable,
	                           &c.payable_inst);
	if (!ppin) {
		resp_fail(req, 400, "FIELD_INVALID", MSG_PAY_NO_PAYABLE, "payable");
		goto out;
	}
	rc = db_tx(req->deadline_mono, create_tx, &c);
	if (rc == CRS_EREFUSED) {
		resp_fail(req, c.status, c.code, c.refusal, NULL);
		goto out;
	}
	if (rc) {
		resp_fail_db(req, rc);
		goto out;
	}
	pay_attempt_describe(&c.p, cb, sizeof(cb), &a);
	/* Outside any transaction: the bank may be slow. */
	rc = ops->request_token(g, &a, token, sizeof(token), msg, sizeof(msg));
	if (rc != CRS_OK || !pay_token_ok(token)) {
		token_refused(req, &c.p, rc, msg);
		goto out;
	}
	sql_time(now_ms(), now);
	rc = pay_exec_once(req->deadline_mono,
	                   "UPDATE payment SET token = ?, state = 'redirected', updated_at = ?"
	                   " WHERE id = ? AND state = 'created'",
	                   CRS_PARAMS(CRS_P_STR(token), CRS_P_STR(now), CRS_P_INT(c.p.id)),
	                   &ex);
	if (rc == CRS_OK && ex.affected != 1) {
		/* The reconciler gave up on it meanwhile: never send anyone to
		 * the bank with an attempt that is closed. */
		resp_fail(req, 502, "GATEWAY_UNAVAILABLE", MSG_PAY_BANK_DOWN, NULL);
		goto out;
	}
	if (rc) {
		resp_fail_db(req, rc);
		goto out;
	}
	snprintf(c.p.token, sizeof(c.p.token), "%s", token);
	pay_attempt_describe(&c.p, cb, sizeof(cb), &a);
	memset(&rd, 0, sizeof(rd));
	rc = ops->describe_redirect(g, &a, &rd);
	if (rc == CRS_OK)
		rc = redirect_reply(req, &c.p, &rd);
	else
		resp_fail(req, 502, "GATEWAY_UNAVAILABLE", MSG_PAY_BANK_DOWN, NULL);
	json_object_put(rd.fields);
	log_msg(CRS_LOG_INFO, "payments", req->id, "payment %lld order %lld at %s",
	        (long long)c.p.id, (long long)c.p.order_id, gateway);
out:
	if (ppin)
		modules_unpin(ppin);
	modules_unpin(pin);
	return CRS_HANDLED;
}

/* ---- GET /api/v1/payments/{payment_id} ----------------------------------- */

static const char *citizen_state(const struct payment *p)
{
	if (!strcmp(p->state, "created") || !strcmp(p->state, "redirected"))
		return p->callback_failed ? "failed" : "pending";
	return p->state;
}

static const char *citizen_message(const struct payment *p)
{
	if (!strcmp(p->state, "verified"))
		return MSG_PAY_VERIFIED;
	if (p->message[0])
		return p->message;
	if (!strcmp(p->state, "expired"))
		return MSG_PAY_EXPIRED;
	if (!strcmp(p->state, "failed"))
		return MSG_PAY_FAILED;
	return MSG_PAY_PENDING;
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
	rc = pay_attempt_load(db, "p.id = ? AND p.owner = ?",
	                      CRS_PARAMS(CRS_P_INT(id), CRS_P_STR(req->session_subject)),
	                      &p);
	req_db_release(req, db);
	if (rc == CRS_ENOTFOUND) {
		resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL);
		return CRS_HANDLED;
	}
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	o = json_object_new_object();
	json_object_object_add(o, "payment_id", json_object_new_int64(p.id));
	json_object_object_add(o, "state", json_object_new_string(citizen_state(&p)));
	json_object_object_add(o, "amount_rial", json_object_new_int64(p.amount));
	json_object_object_add(o, "gateway", json_object_new_string(p.gateway));
	json_object_object_add(o, "reference", p.reference[0]
	                                               ? json_object_new_string(p.reference)
	                                               : NULL);
	json_object_object_add(o, "message", json_object_new_string(citizen_message(&p)));
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* ---- POST|GET /pay/{gateway}/callback ------------------------------------ */

static int to_result(struct crs_req *req, int64_t payment_id)
{
	const char *base = pay_config()->base_url;
	char loc[512];

	if (payment_id > 0)
		snprintf(loc, sizeof(loc), "%s/result.html?payment=%lld", base,
		         (long long)payment_id);
	else
		snprintf(loc, sizeof(loc), "%s/result.html", base);
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
	/* A field that could not be decoded is not a field left out: the
	 * callback as a whole is unusable. */
	if (req_params_malformed(req, 1)) {
		log_msg(CRS_LOG_WARN, "payments", req->id, "callback with malformed fields");
		return to_result(req, 0);
	}
	pin = modules_gateway_pin(gateway, 0, &ops, &g);
	if (!pin) {
		log_msg(CRS_LOG_WARN, "payments", req->id,
		        "callback for unknown or disabled gateway");
		return to_result(req, 0);
	}
	memset(&cb, 0, sizeof(cb));
	cb.amount_rial = -1;
	rc = ops->parse_callback(g, req, &cb);
	modules_unpin(pin);
	/* The stored token finds the payment (X4): a posted order id alone
	 * never does, and a token of other bytes never meets SQL. */
	if (rc != CRS_OK || !pay_token_ok(cb.token)) {
		log_msg(CRS_LOG_WARN, "payments", req->id, "unusable %s callback", gateway);
		return to_result(req, 0);
	}
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = pay_attempt_load(db, "p.gateway = ? AND p.token = ?",
	                      CRS_PARAMS(CRS_P_STR(gateway), CRS_P_STR(cb.token)), &p);
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
	pay_settle_callback(&p, &cb);
	return to_result(req, p.id);
}
