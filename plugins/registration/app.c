/*
 * app: loading and rendering applications (see app.h).
 */

#include "app.h"
#include "fee.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static const char *const app_sql =
	"SELECT a.id, a.national_id, a.serial, a.stage, a.birth_date,"
	" a.birth_date_lunar, a.gender, a.religion, a.mother_name, a.mobile,"
	" a.can_leave_home, a.can_climb_stairs, a.pupils_visible, a.fingers_intact,"
	" a.office_id, a.appt_day, a.appt_shift, a.hold_until, a.delivery_office_id,"
	" a.tracking_code, a.no_show_until,"
	" o.name, o.address, o.phone, o.city_code, d.name, d.address, d.phone"
	" FROM application a"
	" LEFT JOIN office o ON o.id = a.office_id"
	" LEFT JOIN office d ON d.id = a.delivery_office_id"
	" WHERE a.national_id = ?";

static int64_t int_or(const struct crs_api *api, struct crs_rows *rows,
                      unsigned col, int64_t def)
{
	int64_t v;

	return api->rows_int(rows, col, &v) == CRS_OK ? v : def;
}

int app_load(struct reg *r, struct crs_db *db, const char *national_id,
             int for_update, struct app *a)
{
	const struct crs_api *api = r->api;
	struct crs_payment_status st;
	struct crs_rows *rows = NULL;
	int rc, i, stage;

	memset(a, 0, sizeof(*a));
	if (for_update) {
		/* Lock the application alone (a locking join would lock the
		 * office rows every booking of that office reads). */
		rc = api->db_exec(db, "SELECT id FROM application WHERE national_id = ? "
		                      "FOR UPDATE",
		                  CRS_PARAMS(CRS_P_STR(national_id)), NULL, NULL);
		if (rc)
			return rc;
	}
	rc = api->db_exec(db, app_sql, CRS_PARAMS(CRS_P_STR(national_id)), &rows,
	                  NULL);
	if (rc)
		return rc;
	if (!api->rows_next(rows)) {
		api->rows_free(rows);
		return CRS_ENOTFOUND;
	}
	a->id = int_or(api, rows, 0, 0);
	COPY(a->national_id, api->rows_str(rows, 1));
	COPY(a->serial, api->rows_str(rows, 2));
	stage = api->stage_parse(api->rows_str(rows, 3));
	a->stage = stage < 0 ? CRS_STAGE_ENTERED : (enum crs_stage)stage;
	COPY(a->birth_date, api->rows_str(rows, 4));
	COPY(a->birth_date_lunar, api->rows_str(rows, 5));
	COPY(a->gender, api->rows_str(rows, 6));
	COPY(a->religion, api->rows_str(rows, 7));
	COPY(a->mother_name, api->rows_str(rows, 8));
	COPY(a->mobile, api->rows_str(rows, 9));
	for (i = 0; i < 4; i++)
		a->needs[i] = (int)int_or(api, rows, 10 + (unsigned)i, -1);
	a->office_id = int_or(api, rows, 14, 0);
	COPY(a->appt_day, api->rows_str(rows, 15));
	COPY(a->appt_shift, api->rows_str(rows, 16));
	COPY(a->hold_until, api->rows_str(rows, 17));
	a->delivery_office_id = int_or(api, rows, 18, 0);
	COPY(a->tracking_code, api->rows_str(rows, 19));
	COPY(a->no_show_until, api->rows_str(rows, 20));
	COPY(a->office_name, api->rows_str(rows, 21));
	COPY(a->office_address, api->rows_str(rows, 22));
	COPY(a->office_phone, api->rows_str(rows, 23));
	COPY(a->office_city, api->rows_str(rows, 24));
	COPY(a->delivery_name, api->rows_str(rows, 25));
	COPY(a->delivery_address, api->rows_str(rows, 26));
	COPY(a->delivery_phone, api->rows_str(rows, 27));
	api->rows_free(rows);

	/* The latest attempt, a verified one first, as the citizen sees it. */
	st.struct_size = sizeof(st);
	rc = api->payment_status(db, FEE_PAYABLE, a->id, &st);
	if (rc)
		return rc;
	if (strcmp(st.state, "none") != 0) {
		COPY(a->pay_state, st.state);
		a->pay_amount = st.amount_rial;
		COPY(a->pay_gateway, st.gateway);
		COPY(a->pay_reference, st.reference);
	}
	return CRS_OK;
}

static int details_complete(const struct app *a)
{
	return a->birth_date[0] && a->birth_date_lunar[0] && a->gender[0] &&
	       a->religion[0] && a->mother_name[0] && a->mobile[0];
}

static int needs_complete(const struct app *a)
{
	return a->needs[0] >= 0 && a->needs[1] >= 0 && a->needs[2] >= 0 &&
	       a->needs[3] >= 0;
}

void app_facts_of(const struct app *a, struct crs_life_facts *f)
{
	f->struct_size = sizeof(*f);
	f->stage = a->stage;
	f->details_complete = details_complete(a);
	f->needs_complete = needs_complete(a);
	f->paid = strcmp(a->pay_state, "verified") == 0 || a->stage == CRS_STAGE_PAID ||
	          a->stage == CRS_STAGE_PAID_NO_SLOT || a->stage >= CRS_STAGE_COMPLETION_STARTED;
}

unsigned app_operations(struct reg *r, const struct app *a)
{
	struct crs_life_facts f;

	app_facts_of(a, &f);
	return r->api->life_operations(&f);
}

const char *app_next(struct reg *r, const struct app *a)
{
	struct crs_life_facts f;

	app_facts_of(a, &f);
	return r->api->next_name(r->api->life_next(&f));
}

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *jalali_of_sql(struct reg *r, const char *sql_date)
{
	int32_t jdn;
	char j[11];

	if (!sql_date[0] || r->api->sql_date_parse(sql_date, &jdn))
		return NULL;
	reg_jdn_to_jalali(r, jdn, j);
	return json_object_new_string(j);
}

struct json_object *app_json(struct reg *r, const struct app *a)
{
	struct json_object *o = json_object_new_object(), *x, *ops;
	struct crs_life_facts f;
	unsigned allowed, i;
	static const char *const need_keys[4] = { "can_leave_home", "can_climb_stairs",
	                                          "pupils_visible", "fingers_intact" };

	app_facts_of(a, &f);
	json_object_object_add(o, "tracking_code", str_or_null(a->tracking_code));
	json_object_object_add(o, "national_id", json_object_new_string(a->national_id));
	json_object_object_add(o, "serial", json_object_new_string(a->serial));
	json_object_object_add(o, "stage", json_object_new_string(r->api->stage_name(a->stage)));
	json_object_object_add(o, "next", json_object_new_string(app_next(r, a)));

	if (f.details_complete || a->birth_date[0] || a->mobile[0]) {
		x = json_object_new_object();
		json_object_object_add(x, "birth_date_solar", jalali_of_sql(r, a->birth_date));
		json_object_object_add(x, "birth_date_lunar", str_or_null(a->birth_date_lunar));
		json_object_object_add(x, "gender", str_or_null(a->gender));
		json_object_object_add(x, "religion", str_or_null(a->religion));
		json_object_object_add(x, "mother_name", str_or_null(a->mother_name));
		json_object_object_add(x, "mobile", str_or_null(a->mobile));
		json_object_object_add(o, "details", x);
	} else {
		json_object_object_add(o, "details", NULL);
	}
	if (f.needs_complete) {
		x = json_object_new_object();
		for (i = 0; i < 4; i++)
			json_object_object_add(x, need_keys[i],
			                       json_object_new_boolean(a->needs[i]));
		json_object_object_add(o, "needs", x);
	} else {
		json_object_object_add(o, "needs", NULL);
	}
	if (a->office_id) {
		int64_t ms;
		char iso[32];

		x = json_object_new_object();
		json_object_object_add(x, "office_id", json_object_new_int64(a->office_id));
		json_object_object_add(x, "office_name", json_object_new_string(a->office_name));
		json_object_object_add(x, "address", json_object_new_string(a->office_address));
		json_object_object_add(x, "phone", json_object_new_string(a->office_phone));
		json_object_object_add(x, "city_code", json_object_new_string(a->office_city));
		json_object_object_add(x, "date", jalali_of_sql(r, a->appt_day));
		json_object_object_add(x, "shift", str_or_null(a->appt_shift));
		if (a->hold_until[0] && r->api->sql_time_parse(a->hold_until, &ms) == 0) {
			r->api->iso_tehran(ms, iso);
			json_object_object_add(x, "held_until", json_object_new_string(iso));
		} else {
			json_object_object_add(x, "held_until", NULL);
		}
		json_object_object_add(o, "appointment", x);
	} else {
		json_object_object_add(o, "appointment", NULL);
	}
	if (a->delivery_office_id) {
		x = json_object_new_object();
		json_object_object_add(x, "office_id", json_object_new_int64(a->delivery_office_id));
		json_object_object_add(x, "name", json_object_new_string(a->delivery_name));
		json_object_object_add(x, "address", json_object_new_string(a->delivery_address));
		json_object_object_add(x, "phone", json_object_new_string(a->delivery_phone));
		json_object_object_add(o, "delivery_office", x);
	} else {
		json_object_object_add(o, "delivery_office", NULL);
	}
	x = json_object_new_object();
	json_object_object_add(x, "state", json_object_new_string(
		a->pay_state[0] ? a->pay_state : "none"));
	json_object_object_add(x, "amount_rial", json_object_new_int64(
		a->pay_state[0] ? a->pay_amount : r->fee_rial));
	json_object_object_add(x, "gateway", str_or_null(a->pay_gateway));
	json_object_object_add(x, "reference", str_or_null(a->pay_reference));
	json_object_object_add(o, "payment", x);

	ops = json_object_new_array();
	allowed = r->api->life_operations(&f);
	for (i = 0; i < CRS_OP_COUNT; i++)
		if (allowed & (1u << i))
			json_object_array_add(ops, json_object_new_string(r->api->operation_name(i)));
	json_object_object_add(o, "allowed_operations", ops);
	json_object_object_add(o, "no_show_until", jalali_of_sql(r, a->no_show_until));
	return o;
}

int app_reply(struct reg *r, struct crs_req *req, const struct app *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "application", app_json(r, a));
	return r->api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
