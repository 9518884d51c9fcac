/*
 * stats_snapshot: past days' figures, eligible counts, the recount (see
 * stats_snapshot.h).
 */
#include "config.h"

#include "stats_snapshot.h"
#include "civil.h"
#include "clock.h"
#include "db.h"
#include "jalali.h"
#include "life.h"
#include "lifecycle.h"
#include "log.h"
#include "messages.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_AGE_YEARS 15
/* A timer catching up after days without crsd writes this many at most
 * per run (the next minute writes more). */
#define CATCH_UP_DAYS 31
#define TX_MS 60000

/* Counts per city code: stages, and the capacity of its offices. */
struct tally {
	char city[4];
	int64_t n[CRS_STAGE_COUNT];
	int64_t capacity;
};

struct tallies {
	struct tally *v;
	size_t n, cap;
};

static struct tally *tally_at(struct tallies *t, const char *city)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].city, city))
			return &t->v[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct tally *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	snprintf(t->v[t->n].city, sizeof(t->v[0].city), "%s", city);
	return &t->v[t->n++];
}

/* Add rows of (city_code, stage, n) to t, with sign. */
static int tally_rows(struct tallies *t, struct crs_rows *r, int sign)
{
	while (rows_next(r)) {
		struct tally *x = tally_at(t, rows_str(r, 0));
		int s = life_stage_parse(rows_str(r, 1));
		int64_t n = 0;

		if (!x)
			return CRS_ENOMEM;
		if (s >= 0 && rows_int(r, 2, &n) == CRS_OK)
			x->n[s] += sign * n;
	}
	return CRS_OK;
}

static int live_counts(struct crs_db *db, struct tallies *t)
{
	struct crs_rows *r = NULL;
	int rc;

	rc = db_exec(db, "SELECT city_code, stage, SUM(n) FROM life_count"
	                 " GROUP BY city_code, stage", NULL, 0, &r, NULL);
	if (rc == CRS_OK)
		rc = tally_rows(t, r, 1);
	rows_free(r);
	return rc;
}

/* ------------------------------------------------------------ eligible */

struct eligible {
	int32_t jdn;
	char day[11], born_by[11];
};

static int eligible_tx(struct crs_db *db, void *arg)
{
	struct eligible *e = arg;
	struct crs_rows *r = NULL;
	int rc;

	/* A plain read first (no locks on the registry), then the few rows. */
	rc = db_exec(db, "SELECT COALESCE(city_code, ''), COUNT(*) FROM registry_person"
	                 " WHERE birth_date <= ? AND (alive = 1 OR death_date > ?)"
	                 " GROUP BY COALESCE(city_code, '')",
	             CRS_PARAMS(CRS_P_STR(e->born_by), CRS_P_STR(e->day)), &r, NULL);
	if (rc == CRS_OK)
		rc = db_exec(db, "DELETE FROM stats_eligible WHERE day = ?",
		             CRS_PARAMS(CRS_P_STR(e->day)), NULL, NULL);
	/* The row of unknown cities is always there: it marks the day done. */
	if (rc == CRS_OK)
		rc = db_exec(db, "INSERT INTO stats_eligible (day, city_code, n) VALUES (?, '', 0)",
		             CRS_PARAMS(CRS_P_STR(e->day)), NULL, NULL);
	while (rc == CRS_OK && rows_next(r)) {
		int64_t n = 0;

		rows_int(r, 1, &n);
		rc = db_exec(db, "INSERT INTO stats_eligible (day, city_code, n) VALUES (?, ?, ?)"
		                 " ON DUPLICATE KEY UPDATE n = VALUES(n)",
		             CRS_PARAMS(CRS_P_STR(e->day), CRS_P_STR(rows_str(r, 0)),
		                        CRS_P_INT(n)), NULL, NULL);
	}
	rows_free(r);
	return rc;
}

int stats_count_eligible(int32_t jdn)
{
	struct eligible e = { .jdn = jdn };
	struct crs_ymd t;
	int32_t born_by;

	if (civil_jalali_from_jdn(jdn, &t) ||
	    jalali_born_by(&(struct jalali_date){ t.y, t.m, t.d }, MIN_AGE_YEARS, &born_by))
		return CRS_EINVAL;
	civil_sql_date(jdn, e.day);
	civil_sql_date(born_by, e.born_by);
	return db_tx(mono_ms() + TX_MS, eligible_tx, &e);
}

/* 1 when a query of one parameter (a day) finds a row, 0 when not. */
static int day_has(const char *sql, const char *day)
{
	struct crs_rows *r = NULL;
	struct crs_db *db;
	int rc;

	rc = db_acquire(mono_ms() + TX_MS, &db);
	if (rc)
		return rc;
	rc = db_exec(db, sql, CRS_PARAMS(CRS_P_STR(day)), &r, NULL);
	db_release(db);
	if (rc == CRS_OK)
		rc = rows_count(r) > 0;
	rows_free(r);
	return rc;
}

/* ------------------------------------------------------------ snapshot */

struct snap {
	char day[11];
	char end[24];            /* the next Tehran midnight, SQL UTC */
	struct tallies t;
};

/* The moves made after the day ended, taken back out of the counts. */
static int take_back(struct crs_db *db, struct snap *s)
{
	struct crs_rows *r = NULL;
	int rc;

	rc = db_exec(db, "SELECT a.city_code, e.from_stage, e.to_stage"
	                 " FROM application_event e JOIN application a ON a.id = e.application_id"
	                 " WHERE e.at >= ?", CRS_PARAMS(CRS_P_STR(s->end)), &r, NULL);
	while (rc == CRS_OK && rows_next(r)) {
		struct tally *x = tally_at(&s->t, rows_str(r, 0));
		int from = life_stage_parse(rows_str(r, 1)), to = life_stage_parse(rows_str(r, 2));

		if (!x) {
			rc = CRS_ENOMEM;
			break;
		}
		if (to >= 0)
			x->n[to]--;
		if (from >= 0)           /* "" for a created application */
			x->n[from]++;
	}
	rows_free(r);
	return rc;
}

static int capacities(struct crs_db *db, struct tallies *t)
{
	struct crs_rows *r = NULL;
	int rc;

	rc = db_exec(db, "SELECT o.city_code, SUM(s.capacity) FROM office o"
	                 " JOIN office_shift s ON s.office_id = o.id WHERE o.active = 1"
	                 " GROUP BY o.city_code", NULL, 0, &r, NULL);
	while (rc == CRS_OK && rows_next(r)) {
		struct tally *x = tally_at(t, rows_str(r, 0));

		if (!x)
			rc = CRS_ENOMEM;
		else
			rows_int(r, 1, &x->capacity);
	}
	rows_free(r);
	return rc;
}

static int put_metric(struct crs_db *db, const char *day, const char *city,
                      const char *metric, int64_t n)
{
	if (!n)
		return CRS_OK;
	return db_exec(db, "INSERT INTO stats_daily (day, city_code, metric, n)"
	                   " VALUES (?, ?, ?, ?)",
	               CRS_PARAMS(CRS_P_STR(day), CRS_P_STR(city), CRS_P_STR(metric),
	                          CRS_P_INT(n)), NULL, NULL);
}

static int snapshot_tx(struct crs_db *db, void *arg)
{
	struct snap *s = arg;
	struct crs_rows *r = NULL;
	char now[24];
	size_t i;
	int rc, k;

	s->t.n = 0;
	/* The first read fixes the transaction's view: the counts and the
	 * moves below are read as of the same instant. */
	rc = db_exec(db, "SELECT 1 FROM stats_day WHERE day = ?",
	             CRS_PARAMS(CRS_P_STR(s->day)), &r, NULL);
	if (rc == CRS_OK && rows_count(r) > 0) {
		rows_free(r);
		return CRS_OK;
	}
	rows_free(r);
	if (rc == CRS_OK)
		rc = live_counts(db, &s->t);
	if (rc == CRS_OK)
		rc = take_back(db, s);
	if (rc == CRS_OK)
		rc = capacities(db, &s->t);
	for (i = 0; rc == CRS_OK && i < s->t.n; i++) {
		const struct tally *x = &s->t.v[i];

		for (k = 0; rc == CRS_OK && k < CRS_STAGE_COUNT; k++)
			rc = put_metric(db, s->day, x->city, life_stage_name(k), x->n[k]);
		if (rc == CRS_OK)
			rc = put_metric(db, s->day, x->city, "capacity", x->capacity);
	}
	clock_sql_datetime(clock_now_ms(), now);
	if (rc == CRS_OK)
		rc = db_exec(db, "INSERT INTO stats_day (day, taken_at) VALUES (?, ?)",
		             CRS_PARAMS(CRS_P_STR(s->day), CRS_P_STR(now)), NULL, NULL);
	return rc;
}

int stats_snapshot_day(int32_t jdn)
{
	struct snap s = { 0 };
	int64_t end_ms;
	int rc;

	if (civil_tehran_to_unix_ms(jdn + 1, 0, &end_ms))
		return CRS_EINVAL;
	civil_sql_date(jdn, s.day);
	clock_sql_datetime(end_ms, s.end);
	rc = day_has("SELECT 1 FROM stats_eligible WHERE day = ? LIMIT 1", s.day);
	if (rc == 0)
		rc = stats_count_eligible(jdn);
	if (rc >= 0)
		rc = db_tx(mono_ms() + TX_MS, snapshot_tx, &s);
	free(s.t.v);
	return rc;
}

void stats_tick(void *unused, void *arg)
{
	struct crs_rows *r = NULL;
	struct crs_db *db;
	int32_t today, d, from;
	const char *last;
	char day[11];
	int sec, rc;

	(void)unused;
	(void)arg;
	if (civil_tehran_local(clock_now_ms(), &today, &sec))
		return;
	civil_sql_date(today, day);
	rc = day_has("SELECT 1 FROM stats_eligible WHERE day = ? LIMIT 1", day);
	if (rc == 0 && (rc = stats_count_eligible(today)) != CRS_OK)
		log_warn("stats: counting today's eligible citizens failed (%d)", rc);
	if (db_acquire(mono_ms() + TX_MS, &db))
		return;
	rc = db_exec(db, "SELECT MAX(day) FROM stats_day", NULL, 0, &r, NULL);
	db_release(db);
	/* The days after the last snapshot, yesterday only on a new database;
	 * none when the clock stands before the last (a test clock put back). */
	last = rc == CRS_OK && rows_next(r) ? rows_str(r, 0) : NULL;
	from = today - 1;
	if (last && civil_sql_date_parse(last, &d) == CRS_OK)
		from = d + 1 > today - CATCH_UP_DAYS ? d + 1 : today - CATCH_UP_DAYS;
	rows_free(r);
	for (d = from; rc == CRS_OK && d < today; d++)
		if ((rc = stats_snapshot_day(d)) != CRS_OK)
			log_warn("stats: the snapshot of day %d failed (%d)", (int)d, rc);
}

/* -------------------------------------------------------------- verify */

struct verify {
	struct tallies live, real;
	int repair;
	int64_t total;
};

static int verify_tx(struct crs_db *db, void *arg)
{
	struct verify *v = arg;
	struct crs_rows *r = NULL;
	int rc;

	v->live.n = v->real.n = 0;
	v->total = 0;
	/* Repairing: lock the counts first, so no move slips between the
	 * recount and the rewrite; then count the applications. */
	rc = db_exec(db, v->repair ? "SELECT COUNT(*) FROM life_count FOR UPDATE"
	                           : "SELECT COUNT(*) FROM life_count", NULL, 0, &r, NULL);
	rows_free(r);
	r = NULL;
	if (rc == CRS_OK)
		rc = live_counts(db, &v->live);
	if (rc == CRS_OK)
		rc = db_exec(db, v->repair
		                 ? "SELECT city_code, stage, COUNT(*) FROM application"
		                   " GROUP BY city_code, stage LOCK IN SHARE MODE"
		                 : "SELECT city_code, stage, COUNT(*) FROM application"
		                   " GROUP BY city_code, stage", NULL, 0, &r, NULL);
	if (rc == CRS_OK)
		rc = tally_rows(&v->real, r, 1);
	rows_free(r);
	if (rc == CRS_OK && v->repair)
		rc = db_exec(db, "DELETE FROM life_count", NULL, 0, NULL, NULL);
	if (rc == CRS_OK && v->repair)
		rc = db_exec(db, "INSERT INTO life_count (city_code, stage, shard, n)"
		                 " SELECT city_code, stage, id % " LIFE_SHARDS_SQL ", COUNT(*)"
		                 " FROM application GROUP BY city_code, stage, id % " LIFE_SHARDS_SQL,
		             NULL, 0, NULL, NULL);
	return rc;
}

static int64_t count_of(const struct tallies *t, const char *city, int stage)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].city, city))
			return t->v[i].n[stage];
	return 0;
}

/* The cells where live and real differ, as JSON (NULL: no memory); sets
 * v->total. */
static struct json_object *differences(struct verify *v)
{
	struct json_object *list;
	size_t i;
	int k;

	/* Every city of either side in real (with zeros where it had none). */
	for (i = 0; i < v->live.n; i++)
		if (!tally_at(&v->real, v->live.v[i].city))
			return NULL;
	list = json_object_new_array();
	for (i = 0; i < v->real.n; i++)
		for (k = 0; k < CRS_STAGE_COUNT; k++) {
			const char *city = v->real.v[i].city;
			int64_t a = count_of(&v->live, city, k), b = v->real.v[i].n[k];
			struct json_object *x;

			v->total += b;
			if (a == b)
				continue;
			x = json_object_new_object();
			json_object_object_add(x, "city_code", json_object_new_string(city));
			json_object_object_add(x, "stage", json_object_new_string(life_stage_name(k)));
			json_object_object_add(x, "counted", json_object_new_int64(a));
			json_object_object_add(x, "recounted", json_object_new_int64(b));
			json_object_array_add(list, x);
		}
	return list;
}

int stats_verify_handle(struct crs_req *req, void *unused)
{
	struct verify v = { 0 };
	struct json_object *o, *x, *diff;
	int32_t today;
	int sec, rc;

	(void)unused;
	if (req->json && json_object_object_get_ex(req->json, "repair", &x)) {
		if (!json_object_is_type(x, json_type_boolean))
			return resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, "repair"),
			       CRS_HANDLED;
		v.repair = json_object_get_boolean(x);
	}
	rc = db_tx(req->deadline_mono, verify_tx, &v);
	diff = rc == CRS_OK ? differences(&v) : NULL;
	if (rc == CRS_OK && !diff)
		rc = CRS_ENOMEM;
	/* The registry changes by the day: count today's eligible anew. */
	if (rc == CRS_OK && civil_tehran_local(clock_now_ms(), &today, &sec) == CRS_OK)
		rc = stats_count_eligible(today);
	free(v.live.v);
	free(v.real.v);
	if (rc) {
		json_object_put(diff);
		return resp_fail_db(req, rc), CRS_HANDLED;
	}
	if (v.repair && json_object_array_length(diff))
		log_warn("stats: the counts were repaired (%zu cells differed)",
		         json_object_array_length(diff));
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(!json_object_array_length(diff)));
	json_object_object_add(o, "repaired", json_object_new_boolean(v.repair));
	json_object_object_add(o, "applications", json_object_new_int64(v.total));
	json_object_object_add(o, "differences", diff);
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
