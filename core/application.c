/*
 * application: loading and rendering applications (see application.h).
 */
#include "config.h"

#include "application.h"
#include "civil.h"
#include "clock.h"
#include "db.h"
#include "life.h"
#include "pay_attempt.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* The default delivery office (SPEC §5): the appointment office when it
 * delivers cards, else the nearest delivering office of its city code by
 * |first four digits of the phones|, then the lowest id.  Only read while
 * the citizen has chosen none (production start fixes it). */
#define APP_SELECT \
	"SELECT a.id, a.national_id, a.serial, a.city_code, a.stage, a.birth_date," \
	" a.birth_date_lunar, a.gender, a.religion, a.mother_name, a.mobile," \
	" a.can_leave_home, a.can_climb_stairs, a.pupils_visible, a.fingers_intact," \
	" a.office_id, a.appt_day, a.appt_shift, a.hold_until, a.tracking_code," \
	" a.no_show_until, o.name, o.address, o.phone, o.city_code," \
	" d.id, a.delivery_office_id IS NOT NULL, d.name, d.address, d.phone, d.city_code" \
	" FROM application a" \
	" LEFT JOIN office o ON o.id = a.office_id" \
	" LEFT JOIN office d ON d.id = COALESCE(a.delivery_office_id," \
	"  (SELECT x.id FROM office x WHERE x.city_code = o.city_code AND x.active = 1" \
	"    AND x.delivers_cards = 1 ORDER BY x.id <> o.id," \
	"    ABS(CAST(LEFT(x.phone, 4) AS SIGNED) - CAST(LEFT(o.phone, 4) AS SIGNED)), x.id" \
	"    LIMIT 1))"

static const struct {
	const char *lock, *select;
} by_sql[] = {
	[CRS_APP_BY_ID] = { "SELECT id FROM application WHERE id = ? FOR UPDATE",
	                    APP_SELECT " WHERE a.id = ?" },
	[CRS_APP_BY_NATIONAL_ID] = {
		"SELECT id FROM application WHERE national_id = ? FOR UPDATE",
		APP_SELECT " WHERE a.national_id = ?" },
	[CRS_APP_BY_TRACKING_CODE] = {
		"SELECT id FROM application WHERE tracking_code = ? FOR UPDATE",
		APP_SELECT " WHERE a.tracking_code = ?" },
};

static int64_t int_or(struct crs_rows *rows, unsigned col, int64_t def)
{
	int64_t v;

	return rows_int(rows, col, &v) == CRS_OK ? v : def;
}

static void fill(struct crs_rows *rows, struct crs_app *a)
{
	int i, stage;

	a->id = int_or(rows, 0, 0);
	COPY(a->national_id, rows_str(rows, 1));
	COPY(a->serial, rows_str(rows, 2));
	COPY(a->city_code, rows_str(rows, 3));
	stage = life_stage_parse(rows_str(rows, 4));
	a->stage = stage < 0 ? CRS_STAGE_ENTERED : (enum crs_stage)stage;
	COPY(a->birth_date, rows_str(rows, 5));
	COPY(a->birth_date_lunar, rows_str(rows, 6));
	COPY(a->gender, rows_str(rows, 7));
	COPY(a->religion, rows_str(rows, 8));
	COPY(a->mother_name, rows_str(rows, 9));
	COPY(a->mobile, rows_str(rows, 10));
	for (i = 0; i < 4; i++)
		a->needs[i] = (int)int_or(rows, 11 + (unsigned)i, -1);
	a->office_id = int_or(rows, 15, 0);
	COPY(a->appt_day, rows_str(rows, 16));
	COPY(a->appt_shift, rows_str(rows, 17));
	COPY(a->hold_until, rows_str(rows, 18));
	COPY(a->tracking_code, rows_str(rows, 19));
	COPY(a->no_show_until, rows_str(rows, 20));
	COPY(a->office_name, rows_str(rows, 21));
	COPY(a->office_address, rows_str(rows, 22));
	COPY(a->office_phone, rows_str(rows, 23));
	COPY(a->office_city, rows_str(rows, 24));
	a->delivery_office_id = int_or(rows, 25, 0);
	a->delivery_chosen = int_or(rows, 26, 0) == 1;
	COPY(a->delivery_name, rows_str(rows, 27));
	COPY(a->delivery_address, rows_str(rows, 28));
	COPY(a->delivery_phone, rows_str(rows, 29));
	COPY(a->delivery_city, rows_str(rows, 30));
}

int app_load(struct crs_db *db, enum crs_app_key by, const char *key, int for_update,
             struct crs_app *a)
{
	struct crs_payment_status st;
	struct crs_rows *rows = NULL;
	int rc;

	if (!a || a->struct_size < sizeof(*a) || !key || by < CRS_APP_BY_ID || by > CRS_APP_BY_TRACKING_CODE)
		return CRS_EINVAL;
	memset(a, 0, sizeof(*a));
	a->struct_size = sizeof(*a);
	if (for_update) {
		/* Lock the application alone (a locking join would lock the
		 * office rows every booking of that office reads). */
		rc = db_exec(db, by_sql[by].lock, CRS_PARAMS(CRS_P_STR(key)), NULL, NULL);
		if (rc)
			return rc;
	}
	rc = db_exec(db, by_sql[by].select, CRS_PARAMS(CRS_P_STR(key)), &rows, NULL);
	if (rc)
		return rc;
	if (!rows_next(rows)) {
		rows_free(rows);
		return CRS_ENOTFOUND;
	}
	fill(rows, a);
	rows_free(rows);
	st.struct_size = sizeof(st);
	rc = pay_status(db, APP_FEE_PAYABLE, a->id, &st);
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

void app_facts(const struct crs_app *a, struct crs_life_facts *f)
{
	f->struct_size = sizeof(*f);
	f->stage = a->stage;
	f->details_complete = a->birth_date[0] && a->birth_date_lunar[0] && a->gender[0] &&
	                      a->religion[0] && a->mother_name[0] && a->mobile[0];
	f->needs_complete = a->needs[0] >= 0 && a->needs[1] >= 0 && a->needs[2] >= 0 &&
	                    a->needs[3] >= 0;
	f->paid = strcmp(a->pay_state, "verified") == 0 || a->stage == CRS_STAGE_PAID ||
	          a->stage == CRS_STAGE_PAID_NO_SLOT || a->stage >= CRS_STAGE_COMPLETION_STARTED;
}

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *jalali_of_sql(const char *sql_date)
{
	struct crs_ymd j;
	int32_t jdn;
	char out[11];

	if (!sql_date[0] || civil_sql_date_parse(sql_date, &jdn) ||
	    civil_jalali_from_jdn(jdn, &j))
		return NULL;
	snprintf(out, sizeof(out), "%04d/%02d/%02d", j.y, j.m, j.d);
	return json_object_new_string(out);
}

static struct json_object *details_json(const struct crs_app *a, const struct crs_life_facts *f)
{
	struct json_object *x;

	if (!f->details_complete && !a->birth_date[0] && !a->mobile[0])
		return NULL;
	x = json_object_new_object();
	json_object_object_add(x, "birth_date_solar", jalali_of_sql(a->birth_date));
	json_object_object_add(x, "birth_date_lunar", str_or_null(a->birth_date_lunar));
	json_object_object_add(x, "gender", str_or_null(a->gender));
	json_object_object_add(x, "religion", str_or_null(a->religion));
	json_object_object_add(x, "mother_name", str_or_null(a->mother_name));
	json_object_object_add(x, "mobile", str_or_null(a->mobile));
	return x;
}

static struct json_object *needs_json(const struct crs_app *a, const struct crs_life_facts *f)
{
	static const char *const keys[4] = { "can_leave_home", "can_climb_stairs",
	                                     "pupils_visible", "fingers_intact" };
	struct json_object *x;
	int i;

	if (!f->needs_complete)
		return NULL;
	x = json_object_new_object();
	for (i = 0; i < 4; i++)
		json_object_object_add(x, keys[i], json_object_new_boolean(a->needs[i]));
	return x;
}

static struct json_object *appointment_json(const struct crs_app *a)
{
	struct json_object *x;
	int64_t ms;
	char iso[32];

	if (!a->office_id)
		return NULL;
	x = json_object_new_object();
	json_object_object_add(x, "office_id", json_object_new_int64(a->office_id));
	json_object_object_add(x, "office_name", json_object_new_string(a->office_name));
	json_object_object_add(x, "address", json_object_new_string(a->office_address));
	json_object_object_add(x, "phone", json_object_new_string(a->office_phone));
	json_object_object_add(x, "city_code", json_object_new_string(a->office_city));
	json_object_object_add(x, "date", jalali_of_sql(a->appt_day));
	json_object_object_add(x, "shift", str_or_null(a->appt_shift));
	if (a->hold_until[0] && clock_parse_sql(a->hold_until, &ms) == 0) {
		clock_iso_tehran(ms, iso);
		json_object_object_add(x, "held_until", json_object_new_string(iso));
	} else {
		json_object_object_add(x, "held_until", NULL);
	}
	return x;
}

static struct json_object *delivery_json(const struct crs_app *a)
{
	struct json_object *x;

	if (!a->delivery_office_id)
		return NULL;
	x = json_object_new_object();
	json_object_object_add(x, "office_id", json_object_new_int64(a->delivery_office_id));
	json_object_object_add(x, "name", json_object_new_string(a->delivery_name));
	json_object_object_add(x, "address", json_object_new_string(a->delivery_address));
	json_object_object_add(x, "phone", json_object_new_string(a->delivery_phone));
	json_object_object_add(x, "city_code", json_object_new_string(a->delivery_city));
	json_object_object_add(x, "chosen", json_object_new_boolean(a->delivery_chosen));
	return x;
}

struct json_object *app_json(const struct crs_app *a, int64_t fee_rial)
{
	struct json_object *o = json_object_new_object(), *x, *ops;
	struct crs_life_facts f;
	unsigned allowed, i;

	app_facts(a, &f);
	json_object_object_add(o, "tracking_code", str_or_null(a->tracking_code));
	json_object_object_add(o, "national_id", json_object_new_string(a->national_id));
	json_object_object_add(o, "serial", json_object_new_string(a->serial));
	json_object_object_add(o, "stage", json_object_new_string(life_stage_name(a->stage)));
	json_object_object_add(o, "next", json_object_new_string(life_next_name(life_next(&f))));
	json_object_object_add(o, "details", details_json(a, &f));
	json_object_object_add(o, "needs", needs_json(a, &f));
	json_object_object_add(o, "appointment", appointment_json(a));
	json_object_object_add(o, "delivery_office", delivery_json(a));
	x = json_object_new_object();
	json_object_object_add(x, "state", json_object_new_string(
		a->pay_state[0] ? a->pay_state : "none"));
	json_object_object_add(x, "amount_rial", json_object_new_int64(
		a->pay_state[0] ? a->pay_amount : fee_rial));
	json_object_object_add(x, "gateway", str_or_null(a->pay_gateway));
	json_object_object_add(x, "reference", str_or_null(a->pay_reference));
	json_object_object_add(o, "payment", x);
	ops = json_object_new_array();
	allowed = life_operations(&f);
	for (i = 0; i < CRS_OP_COUNT; i++)
		if (allowed & (1u << i))
			json_object_array_add(ops, json_object_new_string(life_operation_name(i)));
	json_object_object_add(o, "allowed_operations", ops);
	json_object_object_add(o, "no_show_until", jalali_of_sql(a->no_show_until));
	return o;
}
