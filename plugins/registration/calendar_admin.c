/*
 * calendar_admin: GET /admin/v1/hijri-months, PUT
 * /admin/v1/hijri-months/{year}/{month} (see calendar_admin.h).
 */

#include "calendar_admin.h"
#include "messages.h"
#include "reg.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hijri_months_list_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct crs_rows *rows = NULL;
	struct json_object *o, *arr;
	struct crs_db *db;
	int rc;

	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = api->db_exec(db, "SELECT year, month, day1 FROM hijri_month_start"
	                      " ORDER BY year, month", CRS_NO_PARAMS, &rows, NULL);
	api->db_release(db);
	if (rc)
		return reg_fail_db(r, req, rc);
	arr = json_object_new_array();
	while (api->rows_next(rows)) {
		struct json_object *m = json_object_new_object();
		int64_t y = 0, mo = 0;
		int32_t jdn;
		char j[11];

		api->rows_int(rows, 0, &y);
		api->rows_int(rows, 1, &mo);
		json_object_object_add(m, "year", json_object_new_int64(y));
		json_object_object_add(m, "month", json_object_new_int64(mo));
		if (r->api->sql_date_parse(api->rows_str(rows, 2), &jdn) == CRS_OK) {
			reg_jdn_to_jalali(r, jdn, j);
			json_object_object_add(m, "day1", json_object_new_string(j));
		}
		json_object_array_add(arr, m);
	}
	api->rows_free(rows);
	o = json_object_new_object();
	json_object_object_add(o, "months", arr);
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* An announced start is at most a day or two off the tabular calendar:
 * the tabular date of day1 must be within two days of (year, month, 1). */
static int plausible(struct reg *r, int year, int month, int32_t day1)
{
	struct crs_ymd opts[5];
	int i;

	if (r->api->hijri_options(day1, NULL, 0, opts) != CRS_OK)
		return 0;
	for (i = 0; i < 5; i++)
		if (opts[i].y == year && opts[i].m == month && opts[i].d == 1)
			return 1;
	return 0;
}

/* A path segment of 1 to max ASCII digits: strtol alone would also take
 * signs and leading spaces. */
static int digits_param(const char *s, size_t max, long *out)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > max || strspn(s, "0123456789") != n)
		return CRS_EINVAL;
	*out = strtol(s, NULL, 10);
	return CRS_OK;
}

int hijri_month_set_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *ys = api->req_param(req, "year"), *ms = api->req_param(req, "month");
	const char *day1 = api->json_str(api->req_json(req), "day1");
	struct crs_db *db;
	char sql_day[11];
	long year, month;
	int32_t jdn;
	int rc;

	if (digits_param(ys, 4, &year) || year < 1300 || year > 1600)
		return reg_failf(r, req, 400, "FIELD_INVALID", "year", M_FIELD_INVALID,
		                 M_FIELD_HIJRI_YEAR);
	if (digits_param(ms, 2, &month) || month < 1 || month > 12)
		return reg_failf(r, req, 400, "FIELD_INVALID", "month", M_FIELD_INVALID,
		                 M_FIELD_HIJRI_MONTH);
	if (!day1 || reg_parse_jalali(r, day1, &jdn) ||
	    !plausible(r, (int)year, (int)month, jdn))
		return reg_failf(r, req, 400, "FIELD_INVALID", "day1", M_FIELD_INVALID,
		                 M_FIELD_HIJRI_DAY1);
	r->api->sql_date(jdn, sql_day);
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = api->db_exec(db, "INSERT INTO hijri_month_start (year, month, day1)"
	                      " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE day1 = VALUES(day1)",
	                  CRS_PARAMS(CRS_P_INT(year), CRS_P_INT(month), CRS_P_STR(sql_day)),
	                  NULL, NULL);
	api->db_release(db);
	if (rc)
		return reg_fail_db(r, req, rc);
	api->log(r->pctx, req, CRS_LOG_INFO, "lunar month %ld/%ld starts on %s (admin)",
	         year, month, day1);
	return hijri_months_list_handle(req, inst);
}
