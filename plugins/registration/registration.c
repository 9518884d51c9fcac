/*
 * registration: the citizen pre-registration plugin (SPEC §3): its
 * descriptor, configuration, routes and the helpers its modules share.
 * Payments are the core's; this plugin reads their outcome.
 */

#include "reg.h"
#include "booking.h"
#include "calendar_admin.h"
#include "delivery_office.h"
#include "details.h"
#include "fee.h"
#include "login.h"
#include "messages.h"
#include "receipt_routes.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int reg_failf(struct reg *r, struct crs_req *req, int status, const char *code,
              const char *field, const char *fmt, ...)
{
	char msg[512], fa[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Dates and numbers in a Persian sentence read in Persian digits. */
	if (r->api->digits_persian(msg, fa, sizeof(fa)) == CRS_OK)
		return r->api->fail(req, status, code, fa, field);
	return r->api->fail(req, status, code, msg, field);
}

int reg_fail_db(struct reg *r, struct crs_req *req, int rc)
{
	return r->api->fail_db(req, rc);
}

int32_t reg_today(struct reg *r)
{
	int32_t jdn = 0;
	int sec;

	r->api->tehran_local(r->api->now_ms(), &jdn, &sec);
	return jdn;
}

void reg_jdn_to_jalali(struct reg *r, int32_t jdn, char out[11])
{
	struct crs_ymd j = { 1300, 1, 1 };

	r->api->jalali_from_jdn(jdn, &j);
	snprintf(out, 11, "%04u/%02u/%02u", (unsigned)j.y % 10000u,
	         (unsigned)j.m % 100u, (unsigned)j.d % 100u);
}

int reg_parse_jalali(struct reg *r, const char *s, int32_t *jdn)
{
	struct crs_ymd j;

	if (r->api->jalali_parse(s, &j) != CRS_OK)
		return CRS_EINVAL;
	return r->api->jalali_to_jdn(&j, jdn);
}

int reg_move(struct reg *r, struct crs_db *db, struct crs_req *req, int64_t app_id,
             enum crs_stage from, enum crs_life_event event, const char *actor,
             enum crs_stage *to, const char **reason)
{
	struct crs_life_move m = {
		.struct_size = sizeof(m), .application_id = app_id, .from = from,
		.event = event, .req = req, .system_actor = actor,
	};

	return r->api->life_move(db, &m, to, reason);
}

int reg_holidays(struct reg *r, struct crs_db *db, int32_t from, int32_t to,
                 int32_t **out, size_t *n)
{
	const struct crs_api *api = r->api;
	struct crs_rows *res = NULL;
	char a[11], b[11];
	int32_t *v;
	int rc;

	*out = NULL;
	*n = 0;
	r->api->sql_date(from, a);
	r->api->sql_date(to, b);
	rc = api->db_exec(db, "SELECT day FROM holiday WHERE day BETWEEN ? AND ? "
	                      "ORDER BY day",
	                  CRS_PARAMS(CRS_P_STR(a), CRS_P_STR(b)), &res, NULL);
	if (rc)
		return rc;
	v = calloc(api->rows_count(res) + 1, sizeof(*v));
	if (!v) {
		api->rows_free(res);
		return CRS_ENOMEM;
	}
	while (api->rows_next(res))
		if (r->api->sql_date_parse(api->rows_str(res, 0), &v[*n]) == CRS_OK)
			(*n)++;
	api->rows_free(res);
	*out = v;
	return CRS_OK;
}

static int config(struct reg *r, struct crs_err *err)
{
	const struct crs_api *api = r->api;
	const char *key = api->config_get(r->pctx, "receipt_key", NULL);
	int64_t wait_hours;
	size_t i;

	if (api->config_int(r->pctx, "office_list_size", 10, 1, 100, &r->office_list_size) ||
	    api->config_int(r->pctx, "mobile_service_min_days", 14, 0, 365,
	                    &r->mobile_service_min_days) ||
	    api->config_int(r->pctx, "hold_minutes", 15, 1, 1440, &r->hold_minutes) ||
	    api->config_int(r->pctx, "booking_horizon_days", 60, 1, 730,
	                    &r->booking_horizon_days) ||
	    api->config_int(r->pctx, "min_age_years", 15, 0, 120, &r->min_age_years) ||
	    api->config_int(r->pctx, "login_failures_per_hour", 10, 1, 1000,
	                    &r->login_failures_per_hour) ||
	    api->config_int(r->pctx, "receipt_emails_per_hour", 3, 1, 100,
	                    &r->receipt_emails_per_hour) ||
	    api->config_int(r->pctx, "receipt_emails_per_day", 10, 1, 1000,
	                    &r->receipt_emails_per_day) ||
	    /* The fee was the core's ([payments] registration_fee_rial) before
	     * payments took any payable: that stays its default. */
	    api->config_int(r->pctx, "fee_rial", api->payment_fee_rial(), 1,
	                    1000000000000LL, &r->fee_rial) ||
	    api->config_int(r->pctx, "serial_wait_working_hours", 48, 0, 10000,
	                    &wait_hours) ||
	    api->config_int(r->pctx, "no_show_days", 3, 0, 365, &r->no_show_days)) {
		snprintf(err->msg, sizeof(err->msg), "bad [plugin.registration] value");
		return CRS_EINVAL;
	}
	r->serial_wait_seconds = wait_hours * 3600;
	/* The receipt HMAC key: hex, at least 32 bytes.  Never logged. */
	if (!key || strlen(key) < 64 || strlen(key) > 128 || strlen(key) % 2 ||
	    strspn(key, "0123456789abcdefABCDEF") != strlen(key)) {
		snprintf(err->msg, sizeof(err->msg),
		         "[plugin.registration] receipt_key must be 64-128 hex digits");
		return CRS_EINVAL;
	}
	for (i = 0; i < strlen(key) / 2; i++) {
		unsigned v;

		sscanf(key + 2 * i, "%2x", &v);
		r->receipt_key[i] = (unsigned char)v;
	}
	r->receipt_key_len = strlen(key) / 2;
	r->verify_url = api->config_get(r->pctx, "verify_url",
	                                "http://127.0.0.1:8080/verify.html");
	return CRS_OK;
}

static int reg_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                    void **inst, struct crs_err *err)
{
	struct reg *r = api->alloc(sizeof(*r));
	int64_t sweep_ms;
	int rc;

	if (!r) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	r->api = api;
	r->pctx = pctx;
	rc = config(r, err);
	if (rc == CRS_OK &&
	    api->config_int(pctx, "sweep_ms", 2000, 100, 600000, &sweep_ms))
		rc = CRS_EINVAL;
	if (rc == CRS_OK)
		rc = api->timer_add(pctx, sweep_ms, booking_sweep, NULL);
	if (rc) {
		api->free(r);
		return rc;
	}
	*inst = r;
	return CRS_OK;
}

static void reg_destroy(void *inst)
{
	struct reg *r = inst;

	r->api->free(r);
}

#define JSON_SESSION CRS_ROUTE_JSON, CRS_AUTH_SESSION, NULL

static const struct crs_route routes[] = {
	CRS_ROUTE_DEF("POST", "/api/v1/session", login_handle, CRS_ROUTE_JSON, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("DELETE", "/api/v1/session", logout_handle, 0, CRS_AUTH_SESSION, NULL),
	CRS_ROUTE_DEF("GET", "/api/v1/application", application_handle, 0, CRS_AUTH_SESSION, NULL),
	CRS_ROUTE_DEF("GET", "/api/v1/lunar-options", lunar_options_handle, 0, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("PUT", "/api/v1/application/details", details_handle, JSON_SESSION),
	CRS_ROUTE_DEF("PUT", "/api/v1/application/needs", needs_handle, JSON_SESSION),
	CRS_ROUTE_DEF("PUT", "/api/v1/application/mobile", mobile_handle, JSON_SESSION),
	CRS_ROUTE_DEF("GET", "/api/v1/offices", offices_handle, 0, CRS_AUTH_SESSION, NULL),
	CRS_ROUTE_DEF("POST", "/api/v1/application/appointment", appointment_handle, JSON_SESSION),
	CRS_ROUTE_DEF("GET", "/api/v1/application/receipt", receipt_handle, 0, CRS_AUTH_SESSION, NULL),
	CRS_ROUTE_DEF("POST", "/api/v1/application/receipt/email", receipt_email_handle, JSON_SESSION),
	CRS_ROUTE_DEF("GET", "/api/v1/receipt-verify", receipt_verify_handle, 0, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("GET", "/api/v1/delivery-offices", delivery_offices_handle, 0, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("PUT", "/api/v1/application/delivery-office", delivery_office_set_handle,
	  JSON_SESSION),
	/* Served on the admin listener only (paths under /admin/). */
	CRS_ROUTE_DEF("GET", "/admin/v1/hijri-months", hijri_months_list_handle, 0,
	  CRS_AUTH_BEARER, "admin"),
	CRS_ROUTE_DEF("PUT", "/admin/v1/hijri-months/{year}/{month}", hijri_month_set_handle,
	  CRS_ROUTE_JSON, CRS_AUTH_BEARER, "admin"),
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "registration",
	.version = "1.0.0",
	.description = "citizen pre-registration (SPEC §3)",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.payable = &fee_payable,
	.init = reg_init,
	.destroy = reg_destroy,
};

CRS_PLUGIN_DEFINE(desc)
