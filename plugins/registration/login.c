/*
 * login: first page, logout, application read, lunar options (see login.h).
 */

#include "login.h"
#include "app.h"
#include "messages.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct login {
	struct reg *r;
	struct crs_req *req;
	char nid[11];
	char serial[7];
	/* outputs, reset on every (re)try */
	const char *code;
	const char *message;
	int notice_reissue;
	char csrf[64];
	struct crs_app app;
};

/* The registry's verdict on (national ID, serial): CRS_OK or the refusal in
 * l->code.  "Working seconds since the serial changed" decides whether the
 * new serial is known yet (SPEC §3.1: 48 working hours). */
static int check_registry(struct login *l, struct crs_db *db)
{
	struct reg *r = l->r;
	const struct crs_api *api = r->api;
	struct crs_rows *rows = NULL;
	const char *serial, *prev, *changed, *birth;
	int64_t alive = 1, changed_ms = 0, worked = 0, now = api->now_ms();
	int32_t birth_jdn, today = reg_today(r), *hol = NULL;
	struct crs_ymd bj, tj;
	size_t n_hol = 0;
	int recent = 0, rc;

	rc = api->db_exec(db, "SELECT serial, prev_serial, serial_changed_at, "
	                      "birth_date, alive FROM registry_person "
	                      "WHERE national_id = ?",
	                  CRS_PARAMS(CRS_P_STR(l->nid)), &rows, NULL);
	if (rc)
		return rc;
	if (!api->rows_next(rows)) {
		l->code = "ID_SERIAL_MISMATCH";
		goto refused;
	}
	serial = api->rows_str(rows, 0);
	prev = api->rows_str(rows, 1);
	changed = api->rows_str(rows, 2);
	birth = api->rows_str(rows, 3);
	api->rows_int(rows, 4, &alive);
	if (changed && api->sql_time_parse(changed, &changed_ms) == 0) {
		int32_t from_day;
		int sec;

		api->tehran_local(changed_ms, &from_day, &sec);
		rc = reg_holidays(r, db, from_day, today, &hol, &n_hol);
		if (rc)
			goto out;
		if (api->workhours_between(changed_ms, now, hol, n_hol, &worked) == 0)
			recent = worked < r->serial_wait_seconds;
		free(hol);
	}
	if (strcmp(l->serial, serial) == 0) {
		if (recent) {
			l->code = "SERIAL_NOT_YET_KNOWN";
			goto refused;
		}
	} else if (!(recent && prev && strcmp(l->serial, prev) == 0)) {
		/* The previous serial works only until the new one is known. */
		l->code = "ID_SERIAL_MISMATCH";
		goto refused;
	}
	if (!alive) {
		l->code = "PERSON_DECEASED";
		goto refused;
	}
	if (r->api->sql_date_parse(birth, &birth_jdn) ||
	    api->jalali_from_jdn(birth_jdn, &bj) || api->jalali_from_jdn(today, &tj) ||
	    api->jalali_age_years(&bj, &tj) < r->min_age_years) {
		l->code = "UNDER_AGE";
		goto refused;
	}
	rc = CRS_OK;
	goto out;
refused:
	rc = CRS_EREFUSED;
out:
	api->rows_free(rows);
	return rc;
}

static int login_tx(struct crs_db *db, void *arg)
{
	struct login *l = arg;
	struct reg *r = l->r;
	const struct crs_api *api = r->api;
	char now[24];
	int rc;

	l->code = NULL;
	l->notice_reissue = 0;
	rc = check_registry(l, db);
	if (rc)
		return rc;
	/* Everything below writes: all refusals are above. */
	rc = app_read(r, db, l->nid, 1, &l->app);
	if (rc == CRS_ENOTFOUND) {
		api->sql_time(api->now_ms(), now);
		/* The citizen's city as the registry has it now: the
		 * application's figures stay there. */
		rc = api->db_exec(db, "INSERT INTO application (national_id, serial, city_code, "
		                      "stage, created_at, updated_at) "
		                      "SELECT ?, ?, COALESCE(city_code, ''), 'entered', ?, ?"
		                      " FROM registry_person WHERE national_id = ?",
		                  CRS_PARAMS(CRS_P_STR(l->nid), CRS_P_STR(l->serial),
		                             CRS_P_STR(now), CRS_P_STR(now), CRS_P_STR(l->nid)),
		                  NULL, NULL);
		if (rc == CRS_OK)
			rc = app_read(r, db, l->nid, 0, &l->app);
		if (rc == CRS_OK)
			rc = api->life_begin(db, l->app.id, l->req, NULL);
	} else if (rc == CRS_OK && strcmp(l->app.serial, l->serial) != 0) {
		/* A new serial is known now.  Before production it replaces the
		 * old one; after, the old application stands and a reissue
		 * follows delivery (SPEC §3.1). */
		if (l->app.stage >= CRS_STAGE_PRODUCTION_STARTED) {
			l->notice_reissue = 1;
		} else {
			api->sql_time(api->now_ms(), now);
			rc = api->db_exec(db, "UPDATE application SET serial = ?, "
			                      "updated_at = ? WHERE id = ?",
			                  CRS_PARAMS(CRS_P_STR(l->serial), CRS_P_STR(now),
			                             CRS_P_INT(l->app.id)), NULL, NULL);
			snprintf(l->app.serial, sizeof(l->app.serial), "%s", l->serial);
		}
	}
	if (rc)
		return rc;
	return api->session_start(l->req, db, l->nid, l->csrf, sizeof(l->csrf));
}

static const struct {
	const char *code;
	int status;
	const char *message;
	const char *field;
} refusals[] = {
	{ "ID_SERIAL_MISMATCH", 422, M_ID_SERIAL_MISMATCH, "serial" },
	{ "SERIAL_NOT_YET_KNOWN", 422, M_SERIAL_NOT_YET_KNOWN, "serial" },
	{ "PERSON_DECEASED", 422, M_PERSON_DECEASED, "national_id" },
	{ "UNDER_AGE", 422, M_UNDER_AGE, "national_id" },
};

static int refuse(struct reg *r, struct crs_req *req, const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].code, code) == 0)
			return r->api->fail(req, refusals[i].status, code,
			                    refusals[i].message, refusals[i].field);
	return CRS_ERROR;
}

/* Failed first pages per national ID: a serial has six digits and the
 * captcha can be guessed now and then, so guessing must stay slow for one
 * person whatever the number of addresses it comes from. */
#define LOGIN_FAIL_BUCKET "login_fail"
#define HOUR_MS 3600000

struct failures {
	struct reg *r;
	const char *nid;
};

static int count_failure_tx(struct crs_db *db, void *arg)
{
	struct failures *f = arg;

	return f->r->api->rate_hit(db, LOGIN_FAIL_BUCKET, f->nid, HOUR_MS,
	                           f->r->login_failures_per_hour);
}

/* count: record one failure (exactly, in a transaction of its own); else
 * only say whether the national ID is barred (CRS_ELIMIT). */
static int login_failures(struct reg *r, struct crs_req *req, const char *nid,
                          int count)
{
	const struct crs_api *api = r->api;
	struct failures f = { r, nid };
	struct crs_db *db;
	int rc;

	if (count)
		return api->db_tx(req, count_failure_tx, &f);
	rc = api->db_acquire(req, &db);
	if (rc)
		return rc;
	rc = api->rate_check(db, LOGIN_FAIL_BUCKET, nid, HOUR_MS,
	                     r->login_failures_per_hour);
	api->db_release(db);
	return rc;
}

/* A refusal that counts against the national ID. */
static int failed_attempt(struct reg *r, struct crs_req *req, const char *nid,
                          int status, const char *code, const char *msg,
                          const char *field)
{
	int rc = login_failures(r, req, nid, 1);

	if (rc && rc != CRS_ELIMIT)
		return reg_fail_db(r, req, rc);
	return r->api->fail(req, status, code, msg, field);
}

int login_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct json_object *body = api->req_json(req), *o;
	const char *nid = api->json_str(body, "national_id");
	const char *serial = api->json_str(body, "serial");
	const char *cid = api->json_str(body, "captcha_id");
	const char *answer = api->json_str(body, "captcha_answer");
	struct login *l;
	int rc;

	l = api->req_alloc(req, sizeof(*l));
	if (!l)
		return CRS_ERROR;
	l->r = r;
	l->req = req;
	/* Format first: it needs no captcha and tells nothing about the
	 * registry. */
	if (!nid || api->nid_normalize(nid, l->nid) != CRS_OK)
		return api->fail(req, 400, "NATIONAL_ID_INVALID", M_NATIONAL_ID_INVALID,
		                 "national_id");
	if (!serial || api->serial_normalize(serial, l->serial) != CRS_OK)
		return api->fail(req, 400, "SERIAL_INVALID", M_SERIAL_INVALID, "serial");
	rc = login_failures(r, req, l->nid, 0);
	if (rc == CRS_ELIMIT)
		return api->fail(req, 429, "RATE_LIMITED", M_LOGIN_LIMIT, "national_id");
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = api->captcha_check(req, cid, answer);
	if (rc == CRS_EINVAL)
		return failed_attempt(r, req, l->nid, 400, "CAPTCHA_WRONG",
		                      M_CAPTCHA_WRONG, "captcha_answer");
	if (rc == CRS_ETIMEDOUT)
		return failed_attempt(r, req, l->nid, 400, "CAPTCHA_EXPIRED",
		                      M_CAPTCHA_EXPIRED, "captcha_id");
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = api->db_tx(req, login_tx, l);
	if (rc == CRS_EREFUSED) {
		/* A wrong serial is the guess the limit is for. */
		if (!strcmp(l->code, "ID_SERIAL_MISMATCH")) {
			rc = login_failures(r, req, l->nid, 1);
			if (rc && rc != CRS_ELIMIT)
				return reg_fail_db(r, req, rc);
		}
		return refuse(r, req, l->code);
	}
	if (rc)
		return reg_fail_db(r, req, rc);
	o = json_object_new_object();
	json_object_object_add(o, "next", json_object_new_string(app_next(r, &l->app)));
	json_object_object_add(o, "csrf", json_object_new_string(l->csrf));
	json_object_object_add(o, "application", app_object(r, &l->app));
	if (l->notice_reissue)
		json_object_object_add(o, "notice", json_object_new_string(M_REISSUE_NOTICE));
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int logout_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	int rc = r->api->session_end(req);

	if (rc)
		return reg_fail_db(r, req, rc);
	return r->api->resp_body(req, 204, NULL, NULL, 0) == CRS_OK ? CRS_HANDLED
	                                                             : CRS_ERROR;
}

int application_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	struct crs_db *db;
	struct crs_app *a = api->req_alloc(req, sizeof(*a));
	int rc;

	if (!a)
		return CRS_ERROR;
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = app_read(r, db, api->session_subject(req), 0, a);
	api->db_release(db);
	if (rc == CRS_ENOTFOUND)
		return api->fail(req, 401, "SESSION_REQUIRED", M_NO_APPLICATION, NULL);
	if (rc)
		return reg_fail_db(r, req, rc);
	{
		struct json_object *o = json_object_new_object();
		const char *csrf = api->session_csrf(req);

		json_object_object_add(o, "application", app_object(r, a));
		json_object_object_add(o, "csrf", csrf ? json_object_new_string(csrf) : NULL);
		return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
	}
}

int lunar_options(struct reg *r, struct crs_db *db, int32_t jdn,
                  char out[5][11])
{
	const struct crs_api *api = r->api;
	struct crs_hijri_month *months = NULL;
	struct crs_rows *rows = NULL;
	struct crs_ymd opts[5];
	size_t n = 0, i;
	int rc;

	/* A small table (a few years of announced month starts). */
	rc = api->db_exec(db, "SELECT year, month, day1 FROM hijri_month_start "
	                      "ORDER BY year, month",
	                  CRS_NO_PARAMS, &rows, NULL);
	if (rc)
		return rc;
	months = calloc(api->rows_count(rows) + 1, sizeof(*months));
	if (!months) {
		api->rows_free(rows);
		return CRS_ENOMEM;
	}
	while (api->rows_next(rows)) {
		int64_t y, m;
		int32_t d1;

		if (api->rows_int(rows, 0, &y) || api->rows_int(rows, 1, &m) ||
		    r->api->sql_date_parse(api->rows_str(rows, 2), &d1))
			continue;
		months[n].year = (int)y;
		months[n].month = (int)m;
		months[n].jdn_day1 = d1;
		n++;
	}
	api->rows_free(rows);
	rc = api->hijri_options(jdn, months, n, opts);
	free(months);
	if (rc)
		return rc;
	for (i = 0; i < 5; i++)
		snprintf(out[i], 11, "%04u/%02u/%02u", (unsigned)opts[i].y % 10000u,
		         (unsigned)opts[i].m % 100u, (unsigned)opts[i].d % 100u);
	return CRS_OK;
}

int lunar_options_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *solar = api->req_query(req, "solar");
	struct json_object *o, *arr;
	struct crs_db *db;
	char opts[5][11];
	int32_t jdn;
	int rc, i;

	if (!solar || reg_parse_jalali(r, solar, &jdn))
		return reg_failf(r, req, 400, "FIELD_INVALID", "solar", M_FIELD_INVALID,
		                 "تاریخ تولد شمسی");
	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc);
	rc = lunar_options(r, db, jdn, opts);
	api->db_release(db);
	if (rc == CRS_EINVAL)
		return reg_failf(r, req, 400, "FIELD_INVALID", "solar", M_FIELD_INVALID,
		                 "تاریخ تولد شمسی");
	if (rc)
		return reg_fail_db(r, req, rc);
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < 5; i++)
		json_object_array_add(arr, json_object_new_string(opts[i]));
	json_object_object_add(o, "options", arr);
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
