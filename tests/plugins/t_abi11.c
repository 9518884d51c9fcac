/*
 * t_abi11: a test plugin of the services new in ABI 1.1, each on its own
 * route: a streamed export read with a row cursor, a text route whose
 * core-made errors are text/plain, a route open to a list of roles, a daily
 * timer on the core clock that runs on one crsd only, an hourly one that a
 * route cancels by its handle, and notifications with de-duplication keys
 * and an expiry.  Never installed.
 */
#include <crs/plugin.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t11 {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	struct crs_timer *hourly;
	pthread_mutex_t mu;
	long ticks;                  /* runs of the hourly timer */
};

/* Every hour of the core clock: a test advances the clock and counts. */
static void hourly_job(void *inst, void *arg)
{
	struct t11 *t = inst;

	(void)arg;
	pthread_mutex_lock(&t->mu);
	t->ticks++;
	pthread_mutex_unlock(&t->mu);
}

static int ticks_reply(struct t11 *t, struct crs_req *req)
{
	struct json_object *o = json_object_new_object();

	pthread_mutex_lock(&t->mu);
	json_object_object_add(o, "ticks", json_object_new_int64(t->ticks));
	json_object_object_add(o, "running", json_object_new_boolean(t->hourly != NULL));
	pthread_mutex_unlock(&t->mu);
	return t->api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static int h_ticks(struct crs_req *req, void *inst)
{
	return ticks_reply(inst, req);
}

/* POST /api/v1/t11/ticks/stop: cancel the hourly timer by its handle. */
static int h_ticks_stop(struct crs_req *req, void *inst)
{
	struct t11 *t = inst;
	struct crs_timer *timer;

	pthread_mutex_lock(&t->mu);
	timer = t->hourly;
	t->hourly = NULL;
	pthread_mutex_unlock(&t->mu);
	t->api->schedule_cancel(timer);
	return ticks_reply(t, req);
}

/* Daily at 11:00 Tehran, on one crsd of those sharing the database: the
 * line it logs is what the test counts. */
static void daily_job(void *inst, void *arg)
{
	struct t11 *t = inst;
	char iso[32];

	(void)arg;
	t->api->iso_tehran(t->api->now_ms(), iso);
	t->api->log(t->pctx, NULL, CRS_LOG_INFO, "t_abi11 daily job ran at %s", iso);
}

struct export {
	const struct crs_api *api;
	struct crs_req *req;
	char buf[65536];
	size_t len;
};

static int flush(struct export *e)
{
	int rc = e->len ? e->api->resp_write(e->req, e->buf, e->len) : CRS_OK;

	e->len = 0;
	return rc;
}

static int put_row(struct crs_rows *row, void *arg)
{
	struct export *e = arg;
	const char *n = e->api->rows_str(row, 0), *label = e->api->rows_str(row, 1);
	int len;

	if (sizeof(e->buf) - e->len < 128 && flush(e))
		return CRS_EUNAVAIL;       /* the client went away: stop */
	len = snprintf(e->buf + e->len, sizeof(e->buf) - e->len, "%s,%s\n", n, label);
	e->len += (size_t)len;
	return CRS_OK;
}

/* GET /api/v1/t11/stream?n=N: N rows from the database, streamed. */
static int h_stream(struct crs_req *req, void *inst)
{
	struct t11 *t = inst;
	const struct crs_api *api = t->api;
	const char *n_s = api->req_query(req, "n");
	struct export *e = api->req_alloc(req, sizeof(*e));
	struct crs_db *db;
	int64_t n = 0;
	int rc;

	if (!e)
		return CRS_ERROR;
	if (!n_s || api->parse_i64(n_s, &n) || n < 0 || n > 10000000)
		return api->fail(req, 400, "FIELD_INVALID", "n نامعتبر است", "n");
	rc = api->db_acquire(req, &db);
	if (rc)
		return api->fail(req, 503, "DB_UNAVAILABLE", "پایگاه داده در دسترس نیست", NULL);
	if (api->resp_stream_begin(req, 200, "text/csv; charset=utf-8")) {
		api->db_release(db);
		return CRS_HANDLED;
	}
	e->api = api;
	e->req = req;
	rc = api->db_query_each(db, "SELECT seq, CONCAT('row-', seq) FROM seq_1_to_10000000"
	                            " WHERE seq <= ?",
	                        CRS_PARAMS(CRS_P_INT(n)), put_row, e);
	if (rc == CRS_OK)
		rc = flush(e);
	api->db_release(db);
	if (rc == CRS_OK)
		api->resp_write(req, "#end\n", 5);
	return CRS_HANDLED;
}

struct note {
	const struct crs_api *api;
	struct crs_message m;
	int64_t id;
};

static int note_tx(struct crs_db *db, void *arg)
{
	struct note *n = arg;

	return n->api->notify(db, &n->m, &n->id);
}

/* POST /api/v1/t11/notify {to, text, key?, expires_in_ms?}: an SMS queued
 * with api->notify; answers its outbox id. */
static int h_notify(struct crs_req *req, void *inst)
{
	struct t11 *t = inst;
	const struct crs_api *api = t->api;
	struct json_object *b = api->req_json(req), *o;
	struct note n = { .api = api };
	int64_t in = 0;
	int rc;

	n.m.struct_size = sizeof(n.m);
	n.m.channel = CRS_MSG_SMS;
	n.m.to = api->json_str(b, "to");
	n.m.text = api->json_str(b, "text");
	n.m.dedup_key = api->json_str(b, "key");
	if (api->json_int(b, "expires_in_ms", &in) == CRS_OK)
		n.m.expires_ms = api->now_ms() + in;
	rc = api->db_tx(req, note_tx, &n);
	if (rc == CRS_EINVAL)
		return api->fail(req, 400, "FIELD_INVALID", "پیام نامعتبر است", NULL);
	if (rc)
		return CRS_ERROR;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(n.id));
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* A text route for several roles: its refusals are text/plain too. */
static int h_text(struct crs_req *req, void *inst)
{
	struct t11 *t = inst;
	const struct crs_principal *p = t->api->req_principal(req);
	char *body = t->api->req_printf(req, "CON %s", p->role);

	return t->api->resp_body(req, 200, "text/plain; charset=utf-8", body,
	                         strlen(body)) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static const struct crs_route routes[] = {
	{ CRS_ROUTE_FIELDS("GET", "/api/v1/t11/stream", h_stream, CRS_ROUTE_STREAM,
	                   CRS_AUTH_NONE, NULL), .deadline_ms = 10 * 60 * 1000 },
	{ CRS_ROUTE_FIELDS("GET", "/api/v1/t11/text", h_text, CRS_ROUTE_TEXT,
	                   CRS_AUTH_BEARER, NULL), .roles = "office registry" },
	CRS_ROUTE_DEF("GET", "/api/v1/t11/ticks", h_ticks, 0, CRS_AUTH_NONE, NULL),
	CRS_ROUTE_DEF("POST", "/api/v1/t11/notify", h_notify, CRS_ROUTE_JSON, CRS_AUTH_NONE,
	              NULL),
	CRS_ROUTE_DEF("POST", "/api/v1/t11/ticks/stop", h_ticks_stop, 0, CRS_AUTH_NONE, NULL),
};

static int t11_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                    void **inst, struct crs_err *err)
{
	struct t11 *t;
	int rc;

	if (!CRS_API_HAS(api, db_query_each)) {
		snprintf(err->msg, sizeof(err->msg), "needs ABI 1.1");
		return CRS_EINVAL;
	}
	t = api->alloc(sizeof(*t));
	t->api = api;
	t->pctx = pctx;
	pthread_mutex_init(&t->mu, NULL);
	rc = api->schedule(pctx, &(struct crs_schedule){
	                           .struct_size = sizeof(struct crs_schedule),
	                           .kind = CRS_SCHEDULE_DAILY,
	                           .daily_at = 11 * 3600,
	                           .once_key = "daily" },
	                   daily_job, NULL, NULL);
	if (rc == CRS_OK)
		rc = api->schedule(pctx, &(struct crs_schedule){
		                           .struct_size = sizeof(struct crs_schedule),
		                           .kind = CRS_SCHEDULE_EVERY,
		                           .every_ms = 3600 * 1000 },
		                   hourly_job, NULL, &t->hourly);
	if (rc) {
		snprintf(err->msg, sizeof(err->msg), "schedule failed (%d)", rc);
		api->free(t);
		return rc;
	}
	*inst = t;
	return CRS_OK;
}

static void t11_destroy(void *inst)
{
	struct t11 *t = inst;

	/* The core cancelled the timers when it quiesced the instance. */
	pthread_mutex_destroy(&t->mu);
	t->api->free(t);
}

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "t_abi11",
	.version = "1.1.0",
	.description = "test plugin: the services of ABI 1.1",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.init = t11_init,
	.destroy = t11_destroy,
};

CRS_PLUGIN_DEFINE(desc)
