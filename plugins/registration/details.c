/*
 * details: PUT details, needs and mobile (see details.h).
 */

#include "details.h"
#include "app.h"
#include "login.h"
#include "messages.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* One PUT: validated input, the refusal found inside the transaction, and
 * the application after the change. */
struct change {
	struct reg *r;
	struct crs_req *req;
	const char *nid;
	int what;                /* CHANGE_* */
	/* details */
	int32_t birth_jdn;
	char birth_sql[11];
	char lunar[11];
	const char *gender;
	const char *religion;
	const char *mother_name;
	char mobile[12];
	/* needs */
	int needs[4];
	/* outputs */
	const char *code;
	const char *message;
	const char *field;
	int status;
	struct crs_app app;
};

enum { CHANGE_DETAILS, CHANGE_NEEDS, CHANGE_MOBILE };

static int refused(struct change *c, int status, const char *code,
                   const char *message, const char *field)
{
	c->status = status;
	c->code = code;
	c->message = message;
	c->field = field;
	return CRS_EREFUSED;
}

/* Entered → details done once both parts are in. */
static void set_stage_sql(struct change *c, struct crs_db *db, int *rc)
{
	struct crs_life_facts f;

	if (*rc)
		return;
	*rc = app_read(c->r, db, c->nid, 0, &c->app);
	if (*rc)
		return;
	app_facts_of(c->r, &c->app, &f);
	if (c->app.stage == CRS_STAGE_ENTERED && f.details_complete && f.needs_complete)
		*rc = reg_move(c->r, db, c->req, c->app.id, CRS_STAGE_ENTERED,
		               CRS_EV_DETAILS_DONE, NULL, &c->app.stage, NULL);
}

static int check_registry_match(struct change *c, struct crs_db *db)
{
	const struct crs_api *api = c->r->api;
	struct crs_rows *rows = NULL;
	char opts[5][11];
	int32_t reg_jdn;
	int rc, i, offered = 0;

	rc = api->db_exec(db, "SELECT birth_date, gender FROM registry_person "
	                      "WHERE national_id = ?",
	                  CRS_PARAMS(CRS_P_STR(c->nid)), &rows, NULL);
	if (rc)
		return rc;
	if (!api->rows_next(rows) ||
	    c->r->api->sql_date_parse(api->rows_str(rows, 0), &reg_jdn) ||
	    reg_jdn != c->birth_jdn) {
		api->rows_free(rows);
		return refused(c, 422, "BIRTH_DATE_MISMATCH", M_BIRTH_DATE_MISMATCH,
		               "birth_date_solar");
	}
	if (strcmp(api->rows_str(rows, 1), c->gender) != 0) {
		api->rows_free(rows);
		return refused(c, 422, "GENDER_MISMATCH", M_GENDER_MISMATCH, "gender");
	}
	api->rows_free(rows);
	rc = lunar_options(c->r, db, c->birth_jdn, opts);
	if (rc)
		return rc;
	for (i = 0; i < 5; i++)
		offered |= strcmp(opts[i], c->lunar) == 0;
	if (!offered)
		return refused(c, 422, "LUNAR_DATE_NOT_OFFERED", M_LUNAR_NOT_OFFERED,
		               "birth_date_lunar");
	return CRS_OK;
}

static int change_tx(struct crs_db *db, void *arg)
{
	struct change *c = arg;
	const struct crs_api *api = c->r->api;
	unsigned ops;
	char now[24];
	int rc;

	c->code = NULL;
	rc = app_read(c->r, db, c->nid, 1, &c->app);
	if (rc)
		return rc;
	ops = app_operations(c->r, &c->app);
	api->sql_time(api->now_ms(), now);
	switch (c->what) {
	case CHANGE_DETAILS:
		if (!(ops & CRS_OP_EDIT_DETAILS))
			return refused(c, 409, "OPERATION_NOT_ALLOWED",
			               M_NOT_ALLOWED_DETAILS, NULL);
		rc = check_registry_match(c, db);
		if (rc)
			return rc;
		rc = api->db_exec(db, "UPDATE application SET birth_date = ?, "
		                      "birth_date_lunar = ?, gender = ?, religion = ?, "
		                      "mother_name = ?, mobile = ?, updated_at = ? "
		                      "WHERE id = ?",
		                  CRS_PARAMS(CRS_P_STR(c->birth_sql), CRS_P_STR(c->lunar),
		                             CRS_P_STR(c->gender), CRS_P_STR(c->religion),
		                             CRS_P_STR(c->mother_name), CRS_P_STR(c->mobile),
		                             CRS_P_STR(now), CRS_P_INT(c->app.id)),
		                  NULL, NULL);
		break;
	case CHANGE_NEEDS:
		if (!(ops & CRS_OP_EDIT_DETAILS))
			return refused(c, 409, "OPERATION_NOT_ALLOWED",
			               M_NOT_ALLOWED_DETAILS, NULL);
		rc = api->db_exec(db, "UPDATE application SET can_leave_home = ?, "
		                      "can_climb_stairs = ?, pupils_visible = ?, "
		                      "fingers_intact = ?, updated_at = ? WHERE id = ?",
		                  CRS_PARAMS(CRS_P_INT(c->needs[0]), CRS_P_INT(c->needs[1]),
		                             CRS_P_INT(c->needs[2]), CRS_P_INT(c->needs[3]),
		                             CRS_P_STR(now), CRS_P_INT(c->app.id)),
		                  NULL, NULL);
		break;
	default:
		/* Changing the mobile is allowed to anyone past the first page. */
		rc = api->db_exec(db, "UPDATE application SET mobile = ?, updated_at = ? "
		                      "WHERE id = ?",
		                  CRS_PARAMS(CRS_P_STR(c->mobile), CRS_P_STR(now),
		                             CRS_P_INT(c->app.id)), NULL, NULL);
		break;
	}
	set_stage_sql(c, db, &rc);
	return rc;
}

static int run_change(struct change *c)
{
	struct reg *r = c->r;
	int rc = r->api->db_tx(c->req, change_tx, c);

	if (rc == CRS_EREFUSED)
		return r->api->fail(c->req, c->status, c->code, c->message, c->field);
	if (rc)
		return reg_fail_db(r, c->req, rc);
	return app_reply(r, c->req, &c->app);
}

static struct change *change_new(struct crs_req *req, struct reg *r, int what)
{
	struct change *c = r->api->req_alloc(req, sizeof(*c));

	if (c) {
		c->r = r;
		c->req = req;
		c->what = what;
		c->nid = r->api->session_subject(req);
	}
	return c;
}

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int details_handle(struct crs_req *req, void *inst)
{
	static const char *const genders[] = { "male", "female", NULL };
	static const char *const religions[] = { "islam", "christian", "jewish",
	                                         "zoroastrian", "other", NULL };
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct json_object *b = api->req_json(req);
	struct change *c = change_new(req, r, CHANGE_DETAILS);
	const char *solar = api->json_str(b, "birth_date_solar");
	const char *lunar = api->json_str(b, "birth_date_lunar");
	const char *mobile = api->json_str(b, "mobile");
	struct crs_ymd lj;

	if (!c)
		return CRS_ERROR;
	c->gender = api->json_str(b, "gender");
	c->religion = api->json_str(b, "religion");
	c->mother_name = api->json_str(b, "mother_name");
	if (!solar || reg_parse_jalali(r, solar, &c->birth_jdn))
		return reg_failf(r, req, 400, "FIELD_INVALID", "birth_date_solar",
		                 M_FIELD_INVALID, "تاریخ تولد شمسی");
	r->api->sql_date(c->birth_jdn, c->birth_sql);
	/* The lunar date uses the same YYYY/MM/DD syntax (any digits). */
	if (!lunar || api->jalali_parse(lunar, &lj) != CRS_OK)
		return reg_failf(r, req, 400, "FIELD_INVALID", "birth_date_lunar",
		                 M_FIELD_INVALID, "تاریخ تولد قمری");
	snprintf(c->lunar, sizeof(c->lunar), "%04u/%02u/%02u", (unsigned)lj.y % 10000u,
	         (unsigned)lj.m % 100u, (unsigned)lj.d % 100u);
	if (!one_of(c->gender, genders))
		return reg_failf(r, req, 400, "FIELD_INVALID", "gender", M_FIELD_INVALID,
		                 "جنسیت");
	if (!one_of(c->religion, religions))
		return reg_failf(r, req, 400, "FIELD_INVALID", "religion", M_FIELD_INVALID,
		                 "دین");
	if (!c->mother_name || r->api->persian_name_valid(c->mother_name) != CRS_OK)
		return reg_failf(r, req, 400, "FIELD_INVALID", "mother_name",
		                 M_FIELD_INVALID, "نام مادر");
	if (!mobile || api->mobile_normalize(mobile, c->mobile) != CRS_OK)
		return api->fail(req, 400, "MOBILE_INVALID", M_MOBILE_INVALID, "mobile");
	return run_change(c);
}

int needs_handle(struct crs_req *req, void *inst)
{
	static const char *const keys[4] = { "can_leave_home", "can_climb_stairs",
	                                     "pupils_visible", "fingers_intact" };
	static const char *const labels[4] = { M_FIELD_CAN_LEAVE_HOME,
	                                       M_FIELD_CAN_CLIMB_STAIRS,
	                                       M_FIELD_PUPILS_VISIBLE,
	                                       M_FIELD_FINGERS_INTACT };
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct json_object *b = api->req_json(req);
	struct change *c = change_new(req, r, CHANGE_NEEDS);
	int i;

	if (!c)
		return CRS_ERROR;
	for (i = 0; i < 4; i++)
		if (api->json_bool(b, keys[i], &c->needs[i]) != CRS_OK)
			return reg_failf(r, req, 400, "FIELD_INVALID", keys[i],
			                 M_FIELD_INVALID, labels[i]);
	return run_change(c);
}

int mobile_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *mobile = api->json_str(api->req_json(req), "mobile");
	struct change *c = change_new(req, r, CHANGE_MOBILE);

	if (!c)
		return CRS_ERROR;
	if (!mobile || api->mobile_normalize(mobile, c->mobile) != CRS_OK)
		return api->fail(req, 400, "MOBILE_INVALID", M_MOBILE_INVALID, "mobile");
	return run_change(c);
}
