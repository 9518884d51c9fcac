/*
 * refunds: the operator refund queue (see refunds.h).
 */
#include "config.h"

#include "refunds.h"
#include "clock.h"
#include "db.h"
#include "messages.h"
#include "pay_attempt.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <string.h>

struct queue {
	const struct payment *p;
	const char *reason;
	const struct crs_payable_ops *ops;
	void *inst;
};

static int queue_tx(struct crs_db *db, void *arg)
{
	struct queue *q = arg;
	char now[24];
	int rc;

	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, "INSERT IGNORE INTO payment_refund (payment_id, gateway,"
	                 " order_id, amount_rial, reference, reason, created_at)"
	                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_INT(q->p->id), CRS_P_STR(q->p->gateway),
	                        CRS_P_INT(q->p->order_id), CRS_P_INT(q->p->amount),
	                        q->p->reference[0] ? CRS_P_STR(q->p->reference) : CRS_P_NULL,
	                        CRS_P_STR(q->reason), CRS_P_STR(now)), NULL, NULL);
	if (rc == CRS_OK)
		rc = pay_attempt_set_state(db, q->p->id, "redirected", "failed",
		                           MSG_PAY_REFUND_QUEUED);
	if (rc == CRS_OK)
		rc = pay_at_bank(db, q->ops, q->inst, q->p->payable, q->p->subject_id);
	return rc;
}

int refund_queue(const struct payment *p, const char *reason,
                 const struct crs_payable_ops *ops, void *inst)
{
	struct queue q = { p, reason, ops, inst };

	return db_tx(mono_ms() + 10000, queue_tx, &q);
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int refunds_list_handle(struct crs_req *req, void *unused)
{
	const char *all = req_get_query(req, "all");
	struct json_object *o, *list;
	struct crs_rows *r = NULL;
	struct crs_db *db;
	int rc;

	(void)unused;
	if (all && strcmp(all, "0") && strcmp(all, "1"))
		return resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, "all"),
		       CRS_HANDLED;
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = db_exec(db, all && !strcmp(all, "1")
	                 ? "SELECT id, payment_id, gateway, order_id, amount_rial, reference,"
	                   " reason, created_at, resolved_at, resolved_note FROM payment_refund"
	                   " ORDER BY id DESC LIMIT 1000"
	                 : "SELECT id, payment_id, gateway, order_id, amount_rial, reference,"
	                   " reason, created_at, resolved_at, resolved_note FROM payment_refund"
	                   " WHERE resolved_at IS NULL ORDER BY created_at LIMIT 1000",
	             NULL, 0, &r, NULL);
	req_db_release(req, db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	list = json_object_new_array();
	while (rows_next(r)) {
		struct json_object *x = json_object_new_object();
		int64_t id = 0, pid = 0, order = 0, amount = 0;

		rows_int(r, 0, &id);
		rows_int(r, 1, &pid);
		rows_int(r, 3, &order);
		rows_int(r, 4, &amount);
		json_object_object_add(x, "refund_id", json_object_new_int64(id));
		json_object_object_add(x, "payment_id", json_object_new_int64(pid));
		json_object_object_add(x, "gateway", json_object_new_string(rows_str(r, 2)));
		json_object_object_add(x, "order_id", json_object_new_int64(order));
		json_object_object_add(x, "amount_rial", json_object_new_int64(amount));
		json_object_object_add(x, "reference", str_or_null(rows_str(r, 5)));
		json_object_object_add(x, "reason", json_object_new_string(rows_str(r, 6)));
		json_object_object_add(x, "since", json_sql_instant(rows_str(r, 7)));
		json_object_object_add(x, "resolved_at", json_sql_instant(rows_str(r, 8)));
		json_object_object_add(x, "resolved_note", str_or_null(rows_str(r, 9)));
		json_object_array_add(list, x);
	}
	rows_free(r);
	o = json_object_new_object();
	json_object_object_add(o, "refunds", list);
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int refunds_resolve_handle(struct crs_req *req, void *unused)
{
	struct json_object *v;
	const char *note = NULL;
	struct crs_exec ex;
	struct crs_db *db;
	char now[24];
	int64_t id;
	int rc;

	(void)unused;
	if (parse_i64(req_get_param(req, "refund_id"), &id) || id <= 0)
		return resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL), CRS_HANDLED;
	if (json_object_object_get_ex(req->json, "note", &v) &&
	    json_object_is_type(v, json_type_string))
		note = json_object_get_string(v);
	if (!note || !*note || strlen(note) > 255)
		return resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, "note"),
		       CRS_HANDLED;
	clock_sql_datetime(clock_now_ms(), now);
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = db_exec(db, "UPDATE payment_refund SET resolved_at = ?, resolved_note = ?"
	                 " WHERE id = ? AND resolved_at IS NULL",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(note), CRS_P_INT(id)), NULL, &ex);
	req_db_release(req, db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	if (ex.affected != 1)
		return resp_fail(req, 409, "OPERATION_NOT_ALLOWED", MSG_REFUND_NOT_OPEN, NULL),
		       CRS_HANDLED;
	return resp_send_json_new(req, 200, json_object_new_object()) == CRS_OK
	               ? CRS_HANDLED : CRS_ERROR;
}
