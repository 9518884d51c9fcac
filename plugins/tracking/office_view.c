/*
 * office_view: an office's view of its citizens (see office_view.h).
 */

#include "office_view.h"
#include "trk.h"

#include <json-c/json.h>

int office_application_handle(struct crs_req *req, void *inst)
{
	struct trk *t = inst;
	const struct crs_api *api = t->api;
	struct crs_app a = { .struct_size = sizeof(a) };
	struct json_object *o;
	struct crs_db *db;
	int rc;

	rc = api->db_acquire(req, &db);
	if (rc)
		return api->fail_db(req, rc);
	rc = trk_load(t, db, req, 0, TRK_REACH_APPOINTMENT | TRK_REACH_DELIVERY |
	              TRK_REACH_REGISTRY, &a);
	api->db_release(db);
	if (rc)
		return rc == CRS_EREFUSED ? CRS_HANDLED : CRS_ERROR;
	o = json_object_new_object();
	json_object_object_add(o, "application", api->app_json(&a, api->payment_fee_rial()));
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
