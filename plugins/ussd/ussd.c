/*
 * ussd: the *4*6090# service (SPEC §5, seed 001 §1.2, API.md "USSD"):
 * POST /api/v1/ussd from the operator's aggregator (form session_id,
 * msisdn, text), answered text/plain "CON <page>" to go on or "END <text>"
 * to finish.  The status of the calling number's applications, by tracking
 * code, by national ID and serial, where to collect the card, and the
 * steps of the process, read from the same tables as the site at the same
 * instant.  Nothing of a session is kept in crsd (menu.h).
 */

#include "menu.h"
#include "messages.h"

#include <stdio.h>
#include <string.h>

#define MINUTE_MS 60000

struct ussd {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	int64_t steps_per_minute;   /* per calling number */
};

static int load_mine(struct ussd *u, struct crs_db *db, const char *mobile,
                     struct ussd_mine *m)
{
	const struct crs_api *api = u->api;
	struct crs_rows *r = NULL;
	int rc;

	m->n = 0;
	rc = api->db_exec(db, "SELECT id, national_id FROM (SELECT id, national_id FROM application"
	                      " WHERE mobile = ? ORDER BY id DESC LIMIT " USSD_MAX_MINE_SQL ") x"
	                      " ORDER BY id",
	                  CRS_PARAMS(CRS_P_STR(mobile)), &r, NULL);
	while (rc == CRS_OK && api->rows_next(r) && m->n < USSD_MAX_MINE) {
		api->rows_int(r, 0, &m->id[m->n]);
		snprintf(m->nid[m->n], sizeof(m->nid[0]), "%s", api->rows_str(r, 1));
		m->n++;
	}
	api->rows_free(r);
	return rc;
}

/* The application a finished walk names: CRS_OK, CRS_ENOTFOUND, or a db
 * error. */
static int load_named(struct ussd *u, struct crs_db *db, const struct ussd_walk *w,
                      const struct ussd_mine *m, struct crs_app *a)
{
	char id[24];
	int rc;

	a->struct_size = sizeof(*a);
	switch (w->item) {
	case USSD_BY_CODE:
		return u->api->app_load(db, CRS_APP_BY_TRACKING_CODE, w->code, 0, a);
	case USSD_BY_NID:
		rc = u->api->app_load(db, CRS_APP_BY_NATIONAL_ID, w->nid, 0, a);
		/* A wrong serial answers as an unknown application. */
		return rc == CRS_OK && strcmp(a->serial, w->serial) ? CRS_ENOTFOUND : rc;
	default:
		if (w->choice < 1 || w->choice > m->n)
			return CRS_ENOTFOUND;
		snprintf(id, sizeof(id), "%lld", (long long)m->id[w->choice - 1]);
		return u->api->app_load(db, CRS_APP_BY_ID, id, 0, a);
	}
}

/* What the walk's page needs from the database, and what to say. */
static enum ussd_say decide(struct ussd *u, struct crs_db *db, const char *mobile,
                            const char *text, struct ussd_walk *w, struct ussd_mine *m,
                            struct crs_app *a)
{
	const struct crs_api *api = u->api;
	int rc, need;

	if (ussd_walk(api, text, -1, w, &need) != CRS_OK)
		return SAY_BAD_REQUEST;
	rc = api->rate_hit(db, "ussd", mobile, MINUTE_MS, u->steps_per_minute);
	if (rc == CRS_ELIMIT)
		return SAY_LIMIT;
	if (rc == CRS_OK && need && (rc = load_mine(u, db, mobile, m)) == CRS_OK)
		ussd_walk(api, text, m->n, w, &need);
	if (rc)
		return SAY_UNAVAILABLE;
	if (w->page != PAGE_RESULT)
		return SAY_PAGE;
	if ((w->item == USSD_MINE || w->item == USSD_DELIVERY) && m->n == 0)
		return SAY_NONE_HERE;
	rc = load_named(u, db, w, m, a);
	return rc == CRS_OK ? SAY_RESULT : rc == CRS_ENOTFOUND ? SAY_NOT_FOUND : SAY_UNAVAILABLE;
}

static int ussd_handle(struct crs_req *req, void *inst)
{
	struct ussd *u = inst;
	const struct crs_api *api = u->api;
	struct ussd_walk w = { 0 };
	struct ussd_mine m = { 0 };
	struct crs_app a;
	enum ussd_say what = SAY_BAD_REQUEST;
	struct crs_db *db;
	char mobile[12], out[USSD_ANSWER_BYTES];

	if (api->mobile_normalize(api->req_form(req, "msisdn", 0), mobile) == CRS_OK &&
	    api->req_form(req, "session_id", 0)) {
		if (api->db_acquire(req, &db) == CRS_OK) {
			what = decide(u, db, mobile, api->req_form(req, "text", 0), &w, &m, &a);
			api->db_release(db);
		} else {
			what = SAY_UNAVAILABLE;
		}
	}
	ussd_screen(api, what, &w, &m, &a, out);
	return api->resp_body(req, 200, "text/plain; charset=utf-8", out, strlen(out)) == CRS_OK
	       ? CRS_HANDLED : CRS_ERROR;
}

static int ussd_init(const struct crs_api *api, struct crs_plugin_ctx *pctx, void **inst,
                     struct crs_err *err)
{
	struct ussd *u = api->alloc(sizeof(*u));

	if (!u) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	u->api = api;
	u->pctx = pctx;
	if (api->config_int(pctx, "steps_per_minute", 30, 1, 100000, &u->steps_per_minute)) {
		snprintf(err->msg, sizeof(err->msg), "bad [plugin.ussd] steps_per_minute");
		api->free(u);
		return CRS_EINVAL;
	}
	*inst = u;
	return CRS_OK;
}

static void ussd_destroy(void *inst)
{
	struct ussd *u = inst;

	u->api->free(u);
}

static const struct crs_route routes[] = {
	CRS_ROUTE_DEF("POST", "/api/v1/ussd", ussd_handle, CRS_ROUTE_FORM | CRS_ROUTE_TEXT,
	              CRS_AUTH_NONE, NULL),
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "ussd",
	.version = "1.0.0",
	.description = "USSD *4*6090#: status and next step (SPEC §5)",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.init = ussd_init,
	.destroy = ussd_destroy,
};

CRS_PLUGIN_DEFINE(desc)
