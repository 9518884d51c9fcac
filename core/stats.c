/*
 * stats: GET /admin/v1/stats (see stats.h).
 */
#include "config.h"

#include "stats.h"
#include "civil.h"
#include "clock.h"
#include "db.h"
#include "life.h"
#include "messages.h"
#include "request.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Where and when: "" for every province / city code; past 0 for now. */
struct scope {
	char province[130];
	char city[4];
	int past;
	char day[11];            /* SQL DATE of the day reported */
	int32_t jdn;
};

/* Per stage, then capacity and eligible. */
enum { M_CAPACITY = CRS_STAGE_COUNT, M_ELIGIBLE, M_COUNT };

/* The filters every query ends with, on the table aliased `x`. */
#define WHERE_SCOPE " AND (? = '' OR x.city_code = ?) AND (? = '' OR a.province = ?)"
#define SCOPE_PARAMS(s) CRS_P_STR((s)->city), CRS_P_STR((s)->city), \
	CRS_P_STR((s)->province), CRS_P_STR((s)->province)

/* Rows of (metric, n) into m: a stage name, "capacity" or "eligible". */
static int add_metrics(struct crs_db *db, const char *sql, const struct crs_param *p,
                       size_t np, int64_t m[M_COUNT])
{
	struct crs_rows *r = NULL;
	int rc;

	rc = db_exec(db, sql, p, np, &r, NULL);
	while (rc == CRS_OK && rows_next(r)) {
		const char *name = rows_str(r, 0);
		int k = !strcmp(name, "capacity") ? M_CAPACITY
		        : !strcmp(name, "eligible") ? M_ELIGIBLE : life_stage_parse(name);
		int64_t n = 0;

		if (k >= 0 && rows_int(r, 1, &n) == CRS_OK)
			m[k] += n;
	}
	rows_free(r);
	return rc;
}

static int read_now(struct crs_db *db, const struct scope *s, int64_t m[M_COUNT])
{
	int rc;

	rc = add_metrics(db, "SELECT x.stage, SUM(x.n) FROM life_count x"
	                     " LEFT JOIN city_area a ON a.city_code = x.city_code"
	                     " WHERE 1" WHERE_SCOPE " GROUP BY x.stage",
	                 CRS_PARAMS(SCOPE_PARAMS(s)), m);
	if (rc == CRS_OK)
		rc = add_metrics(db, "SELECT 'capacity', SUM(sh.capacity) FROM office x"
		                     " JOIN office_shift sh ON sh.office_id = x.id"
		                     " LEFT JOIN city_area a ON a.city_code = x.city_code"
		                     " WHERE x.active = 1" WHERE_SCOPE,
		                 CRS_PARAMS(SCOPE_PARAMS(s)), m);
	/* The latest count of the eligible (the timer counts each day's). */
	if (rc == CRS_OK)
		rc = add_metrics(db, "SELECT 'eligible', SUM(x.n) FROM stats_eligible x"
		                     " LEFT JOIN city_area a ON a.city_code = x.city_code"
		                     " WHERE x.day = (SELECT MAX(day) FROM stats_eligible"
		                     " WHERE day <= ?)" WHERE_SCOPE,
		                 CRS_PARAMS(CRS_P_STR(s->day), SCOPE_PARAMS(s)), m);
	return rc;
}

static int read_past(struct crs_db *db, const struct scope *s, int64_t m[M_COUNT])
{
	struct crs_rows *r = NULL;
	int rc;

	rc = db_exec(db, "SELECT 1 FROM stats_day WHERE day = ?",
	             CRS_PARAMS(CRS_P_STR(s->day)), &r, NULL);
	if (rc == CRS_OK && rows_count(r) == 0)
		rc = CRS_ENOTFOUND;
	rows_free(r);
	if (rc == CRS_OK)
		rc = add_metrics(db, "SELECT x.metric, SUM(x.n) FROM stats_daily x"
		                     " LEFT JOIN city_area a ON a.city_code = x.city_code"
		                     " WHERE x.day = ?" WHERE_SCOPE " GROUP BY x.metric",
		                 CRS_PARAMS(CRS_P_STR(s->day), SCOPE_PARAMS(s)), m);
	if (rc == CRS_OK)
		rc = add_metrics(db, "SELECT 'eligible', SUM(x.n) FROM stats_eligible x"
		                     " LEFT JOIN city_area a ON a.city_code = x.city_code"
		                     " WHERE x.day = ?" WHERE_SCOPE,
		                 CRS_PARAMS(CRS_P_STR(s->day), SCOPE_PARAMS(s)), m);
	return rc;
}

static struct json_object *figures(const struct scope *s, const int64_t m[M_COUNT])
{
	struct json_object *o = json_object_new_object(), *stages = json_object_new_object();
	int64_t all = 0, done = 0;
	struct crs_ymd j;
	char date[11], at[32];
	int64_t end_ms;
	int k;

	for (k = 0; k < CRS_STAGE_COUNT; k++) {
		all += m[k];
		if (k >= CRS_STAGE_COMPLETION_DONE)
			done += m[k];
		json_object_object_add(stages, life_stage_name(k), json_object_new_int64(m[k]));
	}
	civil_jalali_from_jdn(s->jdn, &j);
	snprintf(date, sizeof(date), "%04d/%02d/%02d", j.y, j.m, j.d);
	if (!s->past || civil_tehran_to_unix_ms(s->jdn + 1, 0, &end_ms))
		end_ms = clock_now_ms();
	clock_iso_tehran(end_ms, at);
	json_object_object_add(o, "province", s->province[0]
	                       ? json_object_new_string(s->province) : NULL);
	json_object_object_add(o, "city_code", s->city[0] ? json_object_new_string(s->city) : NULL);
	json_object_object_add(o, "date", json_object_new_string(date));
	json_object_object_add(o, "as_of", json_object_new_string(at));
	json_object_object_add(o, "eligible", json_object_new_int64(m[M_ELIGIBLE]));
	json_object_object_add(o, "applications", json_object_new_int64(all));
	json_object_object_add(o, "completed", json_object_new_int64(done));
	json_object_object_add(o, "in_production",
	                       json_object_new_int64(m[CRS_STAGE_PRODUCTION_STARTED]));
	json_object_object_add(o, "ready", json_object_new_int64(m[CRS_STAGE_CARD_READY]));
	json_object_object_add(o, "delivered", json_object_new_int64(m[CRS_STAGE_DELIVERED]));
	/* Of the eligible, as seed 003 gives it (64.7 %: 0.647). */
	json_object_object_add(o, "delivered_share", json_object_new_double(m[M_ELIGIBLE] > 0
	        ? round(10000.0 * (double)m[CRS_STAGE_DELIVERED] / (double)m[M_ELIGIBLE]) / 10000.0
	        : 0.0));
	json_object_object_add(o, "daily_capacity", json_object_new_int64(m[M_CAPACITY]));
	json_object_object_add(o, "stages", stages);
	return o;
}

/* The query's scope, or the name of the field to blame. */
static const char *parse_scope(struct crs_req *req, int32_t today, struct scope *s)
{
	const char *p = req_get_query(req, "province"), *c = req_get_query(req, "city_code"),
	           *d = req_get_query(req, "date");
	struct crs_ymd j;

	memset(s, 0, sizeof(*s));
	s->jdn = today;
	if (p && (strlen(p) >= sizeof(s->province) || civil_utf8_valid(p)))
		return "province";
	snprintf(s->province, sizeof(s->province), "%s", p ? p : "");
	if (c && (civil_digits_ascii(c, s->city, sizeof(s->city)) || strlen(s->city) != 3 ||
	          strspn(s->city, "0123456789") != 3))
		return "city_code";
	if (d && *d) {
		if (civil_jalali_parse(d, &j) || civil_jalali_to_jdn(&j, &s->jdn) || s->jdn > today)
			return "date";
		s->past = s->jdn < today;
	}
	civil_sql_date(s->jdn, s->day);
	return NULL;
}

int stats_handle(struct crs_req *req, void *unused)
{
	int64_t m[M_COUNT] = { 0 };
	struct crs_db *db;
	struct scope s;
	const char *bad;
	int32_t today;
	int sec, rc;

	(void)unused;
	if (civil_tehran_local(clock_now_ms(), &today, &sec))
		return resp_fail(req, 500, "INTERNAL", MSG_INTERNAL, NULL), CRS_HANDLED;
	bad = parse_scope(req, today, &s);
	if (bad)
		return resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, bad), CRS_HANDLED;
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = s.past ? read_past(db, &s, m) : read_now(db, &s, m);
	req_db_release(req, db);
	if (rc == CRS_ENOTFOUND)
		return resp_fail(req, 404, "NOT_FOUND", MSG_STATS_NO_DAY, "date"), CRS_HANDLED;
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	return resp_send_json_new(req, 200, figures(&s, m)) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
