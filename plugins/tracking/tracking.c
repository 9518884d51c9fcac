/*
 * tracking: the card's life after payment (SPEC §5, API.md §Office and
 * "Citizen: tracking"): office operators read and move their citizens'
 * applications; citizens track their card.  Stages move only through the
 * core's lifecycle (api->life_move), which audits and counts every move.
 */

#include "trk.h"
#include "messages.h"
#include "office_view.h"

#include <stdio.h>
#include <string.h>

unsigned trk_reach(const struct crs_principal *p, const struct crs_app *a)
{
	unsigned r = 0;

	if (!p || !p->role)
		return 0;
	if (!strcmp(p->role, "registry"))
		return TRK_REACH_REGISTRY;
	if (strcmp(p->role, "office") || p->office_id <= 0)
		return 0;
	if (a->office_id == p->office_id)
		r |= TRK_REACH_APPOINTMENT;
	if (a->delivery_office_id == p->office_id)
		r |= TRK_REACH_DELIVERY;
	return r;
}

/* Nine ASCII digits (Persian or Arabic-Indic digits accepted). */
static int tracking_code(const struct crs_api *api, const char *in, char out[10])
{
	char buf[64];

	return in && api->digits_ascii(in, buf, sizeof(buf)) == CRS_OK && strlen(buf) == 9 &&
	       strspn(buf, "0123456789") == 9 && snprintf(out, 10, "%s", buf) == 9;
}

/* The refusal is answered here; the caller returns CRS_HANDLED. */
static int refuse(int answered)
{
	return answered == CRS_HANDLED ? CRS_EREFUSED : answered;
}

int trk_load(struct trk *t, struct crs_db *db, struct crs_req *req, int for_update,
             unsigned need, struct crs_app *a)
{
	const struct crs_api *api = t->api;
	char code[10];
	int rc;

	if (!tracking_code(api, api->req_param(req, "tracking_code"), code))
		return refuse(api->fail(req, 404, "TRACKING_NOT_FOUND", M_TRACKING_NOT_FOUND,
		                        "tracking_code"));
	a->struct_size = sizeof(*a);
	rc = api->app_load(db, CRS_APP_BY_TRACKING_CODE, code, for_update, a);
	if (rc == CRS_ENOTFOUND)
		return refuse(api->fail(req, 404, "TRACKING_NOT_FOUND", M_TRACKING_NOT_FOUND,
		                        "tracking_code"));
	if (rc)
		return refuse(api->fail_db(req, rc));
	if (!(trk_reach(api->req_principal(req), a) & need))
		return refuse(api->fail(req, 403, "FORBIDDEN", M_NOT_YOUR_CITIZEN, NULL));
	return CRS_OK;
}

static int trk_init(const struct crs_api *api, struct crs_plugin_ctx *pctx, void **inst,
                    struct crs_err *err)
{
	struct trk *t = api->alloc(sizeof(*t));

	if (!t) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	t->api = api;
	t->pctx = pctx;
	*inst = t;
	return CRS_OK;
}

static void trk_destroy(void *inst)
{
	struct trk *t = inst;

	t->api->free(t);
}

static const struct crs_route routes[] = {
	{ CRS_ROUTE_FIELDS("GET", "/api/v1/office/applications/{tracking_code}",
	                   office_application_handle, 0, CRS_AUTH_BEARER, NULL),
	  .roles = "office registry" },
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "tracking",
	.version = "1.0.0",
	.description = "office operators and card tracking (SPEC §5)",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.init = trk_init,
	.destroy = trk_destroy,
};

CRS_PLUGIN_DEFINE(desc)
