/*
 * app: the registration plugin's view of its citizen's application: the
 * core's lifecycle service reads it (api->app_load) and renders it; these
 * helpers add the plugin's instance (its fee) to those calls.
 */
#ifndef REG_APP_H
#define REG_APP_H

#include "reg.h"

/* Load the application of national_id; CRS_ENOTFOUND when there is none.
 * for_update locks the row (inside a transaction). */
int app_read(struct reg *r, struct crs_db *db, const char *national_id,
             int for_update, struct crs_app *out);
void app_facts_of(struct reg *r, const struct crs_app *a, struct crs_life_facts *f);
/* What SPEC §3.7 allows a now (CRS_OP_* bits) and where the first page
 * sends its citizen: the core's lifecycle decides. */
unsigned app_operations(struct reg *r, const struct crs_app *a);
const char *app_next(struct reg *r, const struct crs_app *a);
/* The API.md object (new reference), and a 200 {"application": …}. */
struct json_object *app_object(struct reg *r, const struct crs_app *a);
int app_reply(struct reg *r, struct crs_req *req, const struct crs_app *a);

#endif
