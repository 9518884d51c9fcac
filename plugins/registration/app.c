/*
 * app: the plugin's calls of the application service (see app.h).
 */

#include "app.h"

#include <json-c/json.h>

int app_read(struct reg *r, struct crs_db *db, const char *national_id,
             int for_update, struct crs_app *a)
{
	a->struct_size = sizeof(*a);
	return r->api->app_load(db, CRS_APP_BY_NATIONAL_ID, national_id, for_update, a);
}

void app_facts_of(struct reg *r, const struct crs_app *a, struct crs_life_facts *f)
{
	r->api->app_facts(a, f);
}

unsigned app_operations(struct reg *r, const struct crs_app *a)
{
	struct crs_life_facts f;

	r->api->app_facts(a, &f);
	return r->api->life_operations(&f);
}

const char *app_next(struct reg *r, const struct crs_app *a)
{
	struct crs_life_facts f;

	r->api->app_facts(a, &f);
	return r->api->next_name(r->api->life_next(&f));
}

struct json_object *app_object(struct reg *r, const struct crs_app *a)
{
	return r->api->app_json(a, r->fee_rial);
}

int app_reply(struct reg *r, struct crs_req *req, const struct crs_app *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "application", app_object(r, a));
	return r->api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
