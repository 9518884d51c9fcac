/*
 * admin: core routes (see admin.h).
 */
#include "config.h"

#include "admin.h"
#include "auth.h"
#include "captcha.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "messages.h"
#include "metrics.h"
#include "modules_admin.h"
#include "payments.h"
#include "refunds.h"
#include "stats.h"
#include "stats_snapshot.h"
#include "tokens.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int send_json(struct crs_req *req, int status, struct json_object *o)
{
	return resp_send_json_new(req, status, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static const char *json_string(struct crs_req *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req->json, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}


static int h_health(struct crs_req *req, void *unused)
{
	struct json_object *o = json_object_new_object();
	struct db_stats st;
	int db_ok = db_ping(mono_ms() + 1000) == CRS_OK;

	(void)unused;
	db_pool_stats(&st);
	json_object_object_add(o, "status",
	                       json_object_new_string(db_ok ? "ok" : "degraded"));
	json_object_object_add(o, "db", json_object_new_string(db_ok ? "ok"
	                                                             : "unreachable"));
	json_object_object_add(o, "pool_in_use", json_object_new_int64(st.in_use));
	json_object_object_add(o, "pool_size", json_object_new_int64(st.size));
	json_object_object_add(o, "modules", modules_health_json());
	json_object_object_add(o, "test_clock", json_object_new_boolean(clock_is_test()));
	return send_json(req, db_ok ? 200 : 503, o);
}

/* Payments by state, from the database (the truth across several crsd);
 * left out when the database does not answer within a second. */
static void payments_by_state(struct strbuf *sb)
{
	struct crs_rows *r = NULL;
	struct crs_db *db;

	if (db_acquire(mono_ms() + 1000, &db))
		return;
	if (db_exec(db, "SELECT state, COUNT(*) FROM payment GROUP BY state",
	            CRS_NO_PARAMS, &r, NULL) == CRS_OK) {
		strbuf_adds(sb, "# HELP crs_payments Payment attempts by state.\n"
		                "# TYPE crs_payments gauge\n");
		while (rows_next(r))
			strbuf_addf(sb, "crs_payments{state=\"%s\"} %s\n", rows_str(r, 0),
			            rows_str(r, 1));
	}
	rows_free(r);
	db_release(db);
}

static int h_metrics(struct crs_req *req, void *unused)
{
	struct strbuf sb;
	struct db_stats st;
	int rc;

	(void)unused;
	strbuf_init(&sb);
	metrics_render(&sb);
	db_pool_stats(&st);
	strbuf_addf(&sb,
	            "# TYPE crs_db_pool_size gauge\ncrs_db_pool_size %lld\n"
	            "# TYPE crs_db_pool_in_use gauge\ncrs_db_pool_in_use %lld\n"
	            "# TYPE crs_db_pool_open gauge\ncrs_db_pool_open %lld\n"
	            "# TYPE crs_db_acquires_total counter\ncrs_db_acquires_total %lld\n"
	            "# TYPE crs_db_acquire_timeouts_total counter\n"
	            "crs_db_acquire_timeouts_total %lld\n"
	            "# TYPE crs_db_unavailable_total counter\n"
	            "crs_db_unavailable_total %lld\n"
	            "# TYPE crs_db_tx_retries_total counter\ncrs_db_tx_retries_total %lld\n"
	            "# TYPE crs_db_errors_total counter\ncrs_db_errors_total %lld\n",
	            (long long)st.size, (long long)st.in_use, (long long)st.open,
	            (long long)st.acquires, (long long)st.acquire_timeouts,
	            (long long)st.unavailable, (long long)st.tx_retries,
	            (long long)st.errors);
	payments_by_state(&sb);
	rc = sb.failed ? CRS_ENOMEM
	               : resp_set_body(req, 200, "text/plain; version=0.0.4", sb.buf,
	                               sb.len);
	strbuf_release(&sb);
	return rc == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}


static int clock_json(struct crs_req *req)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	log_format_time(clock_now_ms(), iso);
	json_object_object_add(o, "now", json_object_new_string(iso));
	json_object_object_add(o, "offset_ms", json_object_new_int64(clock_offset_ms()));
	json_object_object_add(o, "test_clock", json_object_new_boolean(clock_is_test()));
	return send_json(req, 200, o);
}

static int h_clock_get(struct crs_req *req, void *unused)
{
	(void)unused;
	return clock_json(req);
}

/* The furthest one call may move the test clock: far beyond any test, and
 * far from the int64 milliseconds the clock is kept in. */

static int h_clock_set(struct crs_req *req, void *unused)
{
	const char *set = json_string(req, "set"), *adv = json_string(req, "advance");
	const char *field;
	struct json_object *v;
	int64_t ms;
	int rc;

	(void)unused;
	if (!clock_is_test()) {
		resp_fail(req, 409, "OPERATION_NOT_ALLOWED",
		          "ساعت آزمایشی فقط با crsd --test-clock فعال است.", NULL);
		return CRS_HANDLED;
	}
	/* One of the three, by presence: a key of the wrong type is refused,
	 * not taken for another. */
	if (json_object_object_get_ex(req->json, "set", NULL)) {
		field = "set";
		if (!set || clock_parse_iso(set, &ms))
			goto bad;
		rc = clock_set(ms);
	} else if (json_object_object_get_ex(req->json, "advance", NULL)) {
		field = "advance";
		if (!adv || clock_parse_duration(adv, &ms) || ms > CLOCK_MAX_OFFSET_MS ||
		    clock_offset_ms() > CLOCK_MAX_OFFSET_MS - ms)
			goto bad;
		rc = clock_advance(ms);
	} else if (json_object_object_get_ex(req->json, "reset", &v)) {
		field = "reset";
		if (!json_object_is_type(v, json_type_boolean) || !json_object_get_boolean(v))
			goto bad;
		rc = clock_reset();
	} else {
		field = "advance";
		goto bad;
	}
	if (rc)
		return CRS_ERROR;
	return clock_json(req);
bad:
	resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, field);
	return CRS_HANDLED;
}

#define ADMIN(m, p, h, f) CRS_ROUTE_DEF(m, p, h, f, CRS_AUTH_BEARER, "admin")

const struct crs_route core_routes[] = {
	CRS_ROUTE_DEF("GET", "/api/v1/captcha", captcha_handle_new, 0, CRS_AUTH_NONE, NULL),
	/* Payments: the core's, so a disabled citizen module never strands
	 * a payment that is already at the bank. */
	CRS_ROUTE_DEF("GET", "/api/v1/gateways", payments_gateways_handle, 0, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("POST", "/api/v1/payments", payments_create_handle, CRS_ROUTE_JSON,
	  CRS_AUTH_SESSION, NULL),
	CRS_ROUTE_DEF("GET", "/api/v1/payments/{payment_id}", payments_get_handle, 0,
	  CRS_AUTH_SESSION, NULL),
	/* Banks post a form, some redirect with a query: both, no CSRF. */
	CRS_ROUTE_DEF("POST", "/pay/{gateway}/callback", payments_callback_handle,
	  ROUTE_CORE_LENIENT, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("GET", "/pay/{gateway}/callback", payments_callback_handle,
	  ROUTE_CORE_LENIENT, CRS_AUTH_NONE, NULL),
	ADMIN("GET", "/admin/v1/modules", modules_admin_list, 0),
	ADMIN("POST", "/admin/v1/modules/load", modules_admin_load, CRS_ROUTE_JSON),
	ADMIN("POST", "/admin/v1/modules/{name}/{action}", modules_admin_action, 0),
	ADMIN("GET", "/admin/v1/health", h_health, 0),
	ADMIN("GET", "/admin/v1/metrics", h_metrics, 0),
	ADMIN("POST", "/admin/v1/tokens", tokens_issue_handle, CRS_ROUTE_JSON),
	ADMIN("GET", "/admin/v1/tokens", tokens_list_handle, 0),
	ADMIN("POST", "/admin/v1/tokens/{id}/revoke", tokens_revoke_handle, 0),
	ADMIN("GET", "/admin/v1/payments/refunds", refunds_list_handle, 0),
	ADMIN("POST", "/admin/v1/payments/refunds/{refund_id}/resolve",
	      refunds_resolve_handle, CRS_ROUTE_JSON),
	ADMIN("GET", "/admin/v1/stats", stats_handle, 0),
	ADMIN("POST", "/admin/v1/stats/verify", stats_verify_handle, CRS_ROUTE_JSON),
	ADMIN("GET", "/admin/v1/clock", h_clock_get, 0),
	ADMIN("POST", "/admin/v1/clock", h_clock_set, CRS_ROUTE_JSON),
};

const size_t n_core_routes = sizeof(core_routes) / sizeof(core_routes[0]);
