/*
 * application: one citizen's application as every plugin sees it
 * (crs_api.app_load, app_facts, app_json): read in one indexed query with
 * its appointment office, its delivery office (the citizen's choice or the
 * default of SPEC §5) and its latest card-fee payment, and turned into the
 * API.md `application` object.  Part of the lifecycle service: the
 * registration, tracking, delivery and USSD plugins read one shape.
 */
#ifndef CRS_APPLICATION_H
#define CRS_APPLICATION_H

#include <crs/plugin.h>

/* The payable whose payments are the card fee (registration's). */
#define APP_FEE_PAYABLE "registration_fee"

int app_load(struct crs_db *db, enum crs_app_key by, const char *key, int for_update,
             struct crs_app *out);
void app_facts(const struct crs_app *a, struct crs_life_facts *f);
struct json_object *app_json(const struct crs_app *a, int64_t fee_rial);

#endif
