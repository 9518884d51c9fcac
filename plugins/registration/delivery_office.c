/*
 * delivery_office: GET /api/v1/delivery-offices, PUT
 * /api/v1/application/delivery-office (see delivery_office.h).
 */

#include "delivery_office.h"
#include "app.h"
#include "messages.h"

#include <json-c/json.h>
#include <string.h>

static int valid_city(struct reg *r, const char *in, char out[8])
{
	return in && r->api->digits_ascii(in, out, 8) == CRS_OK && strlen(out) == 3 &&
	       out[0] == '0' && strspn(out, "0123456789") == 3;
}

int delivery_offices_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct crs_rows *rows = NULL;
	struct json_object *o, *arr;
	struct crs_db *db;
	char city[8];
	int rc;

	if (!valid_city(r, api->req_query(req, "city_code"), city))
		return reg_failf(r, req, 400, "FIELD_INVALID", "city_code",
		                 M_FIELD_INVALID, "کد شهر");
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = api->db_exec(db, "SELECT id, name, address, phone FROM office"
	                      " WHERE city_code = ? AND active = 1 AND delivers_cards = 1"
	                      " ORDER BY name, id",
	                  CRS_PARAMS(CRS_P_STR(city)), &rows, NULL);
	api->db_release(db);
	if (rc)
		return reg_fail_db(r, req, rc);
	arr = json_object_new_array();
	while (api->rows_next(rows)) {
		struct json_object *x = json_object_new_object();
		int64_t id = 0;

		api->rows_int(rows, 0, &id);
		json_object_object_add(x, "office_id", json_object_new_int64(id));
		json_object_object_add(x, "name", json_object_new_string(api->rows_str(rows, 1)));
		json_object_object_add(x, "address", json_object_new_string(api->rows_str(rows, 2)));
		json_object_object_add(x, "phone", json_object_new_string(api->rows_str(rows, 3)));
		json_object_array_add(arr, x);
	}
	api->rows_free(rows);
	o = json_object_new_object();
	json_object_object_add(o, "rows", arr);
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

struct choice {
	struct reg *r;
	const char *nid;
	int64_t office_id;
	int status;
	const char *code;
	const char *message;
	struct crs_app app;
};

static int choice_tx(struct crs_db *db, void *arg)
{
	struct choice *c = arg;
	const struct crs_api *api = c->r->api;
	struct crs_rows *rows = NULL;
	char now[24];
	int rc, ok;

	c->code = NULL;
	rc = app_read(c->r, db, c->nid, 1, &c->app);
	if (rc)
		return rc;
	if (!(app_operations(c->r, &c->app) & CRS_OP_CHANGE_DELIVERY_OFFICE)) {
		c->status = 409;
		c->code = "OPERATION_NOT_ALLOWED";
		c->message = M_NOT_ALLOWED_DELIVERY;
		return CRS_EREFUSED;
	}
	rc = api->db_exec(db, "SELECT 1 FROM office WHERE id = ? AND active = 1"
	                      " AND delivers_cards = 1",
	                  CRS_PARAMS(CRS_P_INT(c->office_id)), &rows, NULL);
	if (rc)
		return rc;
	ok = api->rows_next(rows);
	api->rows_free(rows);
	if (!ok) {
		c->status = 422;
		c->code = "OFFICE_NOT_SUITABLE";
		c->message = M_NOT_DELIVERY_OFFICE;
		return CRS_EREFUSED;
	}
	api->sql_time(api->now_ms(), now);
	rc = api->db_exec(db, "UPDATE application SET delivery_office_id = ?, updated_at = ?"
	                      " WHERE id = ?",
	                  CRS_PARAMS(CRS_P_INT(c->office_id), CRS_P_STR(now),
	                             CRS_P_INT(c->app.id)), NULL, NULL);
	if (rc)
		return rc;
	return app_read(c->r, db, c->nid, 0, &c->app);
}

int delivery_office_set_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct choice *c = api->req_alloc(req, sizeof(*c));
	int rc;

	if (!c)
		return CRS_ERROR;
	c->r = r;
	c->nid = api->session_subject(req);
	if (api->json_int(api->req_json(req), "office_id", &c->office_id) ||
	    c->office_id <= 0)
		return reg_failf(r, req, 400, "FIELD_INVALID", "office_id",
		                 M_FIELD_INVALID, "دفتر تحویل");
	rc = api->db_tx(req, choice_tx, c);
	if (rc == CRS_EREFUSED)
		return api->fail(req, c->status, c->code, c->message, "office_id");
	if (rc)
		return reg_fail_db(r, req, rc);
	return app_reply(r, req, &c->app);
}
