/*
 * t_hello: a test plugin exercising the ABI end to end: a trivial route (the
 * benchmark's), a slow one (drain tests), text and streamed answers, a JSON
 * echo, a database round trip, session and bearer routes, and a timer.
 * Built against the frozen ABI 1.0 header (tests/abi/1.0): every test that
 * uses it shows that a 1.0 plugin loads and serves in this crsd.  Never
 * installed.
 */
#include <crs/plugin.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hello {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
	char instance_id[24];
};

static int reply(struct hello *h, struct crs_req *req, struct json_object *o)
{
	json_object_object_add(o, "instance", json_object_new_string(h->instance_id));
	return h->api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static int h_hello(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	static const char body[] = "{\"hello\":\"world\"}";

	(void)h;
	return h->api->resp_body(req, 200, "application/json", body,
	                         sizeof(body) - 1) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static int h_slow(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	const char *ms_s = h->api->req_query(req, "ms");
	long ms = ms_s ? strtol(ms_s, NULL, 10) : 1000;
	struct timespec ts;
	struct json_object *o = json_object_new_object();

	if (ms < 0 || ms > 20000)
		ms = 1000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	json_object_object_add(o, "slept_ms", json_object_new_int64(ms));
	return reply(h, req, o);
}

static int h_text(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	static const char body[] = "CON سلام\n1. وضعیت";

	return h->api->resp_body(req, 200, "text/plain; charset=utf-8", body,
	                         sizeof(body) - 1) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static int h_stream(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	const char *n_s = h->api->req_query(req, "n");
	long n = n_s ? strtol(n_s, NULL, 10) : 10, i;
	char line[64];

	if (n < 0 || n > 10000000)
		return h->api->fail(req, 400, "FIELD_INVALID", "n نامعتبر است", "n");
	if (h->api->resp_stream_begin(req, 200, "text/csv; charset=utf-8"))
		return CRS_HANDLED;
	for (i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "%ld,row-%ld\n", i, i);

		if (h->api->resp_write(req, line, (size_t)len))
			break;
	}
	return CRS_HANDLED;
}

static int h_echo(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "echo", json_object_get(h->api->req_json(req)));
	return reply(h, req, o);
}

/* What the core says the client's address is (nginx's REMOTE_ADDR). */
static int h_ip(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ip", json_object_new_string(h->api->req_client_ip(req)));
	return reply(h, req, o);
}

static int h_db(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct crs_db *db;
	struct crs_rows *rows = NULL;
	struct json_object *o;
	int64_t v = 0;
	int rc = h->api->db_acquire(req, &db);

	if (rc)
		return h->api->fail(req, 503, "DB_UNAVAILABLE",
		                    "پایگاه داده در دسترس نیست", NULL);
	rc = h->api->db_exec(db, "SELECT ? + 1", CRS_PARAMS(CRS_P_INT(41)), &rows,
	                     NULL);
	h->api->db_release(db);
	if (rc || !h->api->rows_next(rows) || h->api->rows_int(rows, 0, &v)) {
		h->api->rows_free(rows);
		return h->api->fail(req, 503, "DB_UNAVAILABLE",
		                    "پایگاه داده در دسترس نیست", NULL);
	}
	h->api->rows_free(rows);
	o = json_object_new_object();
	json_object_object_add(o, "value", json_object_new_int64(v));
	return reply(h, req, o);
}

struct login {
	struct hello *h;
	struct crs_req *req;
	const char *subject;
	char csrf[64];
};

static int login_tx(struct crs_db *db, void *arg)
{
	struct login *l = arg;

	return l->h->api->session_start(l->req, db, l->subject, l->csrf,
	                                sizeof(l->csrf));
}

static int h_login(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct login l = { h, req, h->api->json_str(h->api->req_json(req), "subject"),
	                   "" };
	struct json_object *o;

	if (!l.subject)
		return h->api->fail(req, 400, "FIELD_INVALID", "subject لازم است",
		                    "subject");
	if (h->api->db_tx(req, login_tx, &l))
		return h->api->fail(req, 503, "DB_UNAVAILABLE",
		                    "پایگاه داده در دسترس نیست", NULL);
	/* The core masks national IDs in every log line; a test checks it. */
	h->api->log(h->pctx, req, CRS_LOG_INFO, "login of %s", l.subject);
	o = json_object_new_object();
	json_object_object_add(o, "csrf", json_object_new_string(l.csrf));
	return reply(h, req, o);
}

static int h_whoami(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "subject",
	                       json_object_new_string(h->api->session_subject(req)));
	return reply(h, req, o);
}

static int h_logout(struct crs_req *req, void *inst)
{
	struct hello *h = inst;

	h->api->session_end(req);
	return h->api->resp_body(req, 204, NULL, NULL, 0) == CRS_OK ? CRS_HANDLED
	                                                             : CRS_ERROR;
}

static int h_office(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	const struct crs_principal *p = h->api->req_principal(req);
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "role", json_object_new_string(p->role));
	json_object_object_add(o, "office_id", json_object_new_int64(p->office_id));
	return reply(h, req, o);
}

static int h_captcha(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct json_object *body = h->api->req_json(req), *o;
	int rc = h->api->captcha_check(req, h->api->json_str(body, "captcha_id"),
	                               h->api->json_str(body, "captcha_answer"));

	if (rc == CRS_EINVAL)
		return h->api->fail(req, 400, "CAPTCHA_WRONG", "پاسخ اشتباه است",
		                    "captcha_answer");
	if (rc == CRS_ETIMEDOUT)
		return h->api->fail(req, 400, "CAPTCHA_EXPIRED", "منقضی شده است",
		                    "captcha_id");
	if (rc)
		return CRS_ERROR;
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return reply(h, req, o);
}

struct notify {
	struct hello *h;
	struct json_object *body;
};

static int notify_tx(struct crs_db *db, void *arg)
{
	struct notify *n = arg;
	const struct crs_api *api = n->h->api;
	const char *to = api->json_str(n->body, "sms_to");
	const char *mail = api->json_str(n->body, "email_to");
	const char *text = api->json_str(n->body, "text");
	int rc = CRS_OK;

	if (to)
		rc = api->notify_sms(db, to, text ? text : "");
	if (rc == CRS_OK && mail)
		rc = api->notify_email(db, mail, "رسید ثبت نام", text ? text : "",
		                       "receipt.txt", "text/plain", "\001binary\000ok", 10);
	return rc;
}

static int h_notify(struct crs_req *req, void *inst)
{
	struct hello *h = inst;
	struct notify n = { h, h->api->req_json(req) };

	if (h->api->db_tx(req, notify_tx, &n))
		return CRS_ERROR;
	return h->api->resp_body(req, 202, NULL, NULL, 0) == CRS_OK ? CRS_HANDLED
	                                                             : CRS_ERROR;
}

static int h_fail(struct crs_req *req, void *inst)
{
	(void)req;
	(void)inst;
	return CRS_ERROR;
}

static void tick(void *inst, void *arg)
{
	struct hello *h = inst;

	(void)arg;
	h->api->metric_add(h->pctx, "ticks", NULL, 1);
}

static int hello_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                      void **inst, struct crs_err *err)
{
	struct hello *h = api->alloc(sizeof(*h));
	unsigned char r[8];
	int64_t period;

	if (!h) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return CRS_ENOMEM;
	}
	h->api = api;
	h->pctx = pctx;
	api->random_bytes(r, sizeof(r));
	snprintf(h->instance_id, sizeof(h->instance_id), "%02x%02x%02x%02x%02x%02x",
	         r[0], r[1], r[2], r[3], r[4], r[5]);
	if (api->config_int(pctx, "tick_ms", 1000, 10, 3600000, &period) ||
	    api->timer_add(pctx, period, tick, NULL)) {
		snprintf(err->msg, sizeof(err->msg), "bad tick_ms");
		api->free(h);
		return CRS_EINVAL;
	}
	*inst = h;
	return CRS_OK;
}

static void hello_destroy(void *inst)
{
	struct hello *h = inst;

	h->api->free(h);
}

static const struct crs_route routes[] = {
	{ "GET", "/api/v1/t/hello", h_hello, 0, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/slow", h_slow, 0, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/text", h_text, 0, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/stream", h_stream, 0, CRS_AUTH_NONE, NULL },
	{ "POST", "/api/v1/t/echo", h_echo, CRS_ROUTE_JSON, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/db", h_db, 0, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/ip", h_ip, 0, CRS_AUTH_NONE, NULL },
	{ "POST", "/api/v1/t/login", h_login, CRS_ROUTE_JSON, CRS_AUTH_NONE, NULL },
	{ "GET", "/api/v1/t/whoami", h_whoami, 0, CRS_AUTH_SESSION, NULL },
	{ "POST", "/api/v1/t/whoami", h_whoami, 0, CRS_AUTH_SESSION, NULL },
	{ "DELETE", "/api/v1/t/login", h_logout, CRS_ROUTE_NOCSRF, CRS_AUTH_SESSION, NULL },
	{ "GET", "/api/v1/t/office/{id}", h_office, 0, CRS_AUTH_BEARER, "office" },
	{ "GET", "/api/v1/t/fail", h_fail, 0, CRS_AUTH_NONE, NULL },
	{ "POST", "/api/v1/t/captcha", h_captcha, CRS_ROUTE_JSON, CRS_AUTH_NONE, NULL },
	{ "POST", "/api/v1/t/notify", h_notify, CRS_ROUTE_JSON, CRS_AUTH_NONE, NULL },
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "t_hello",
	.version = "1.0.0",
	.description = "test plugin",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.init = hello_init,
	.destroy = hello_destroy,
};

CRS_PLUGIN_DEFINE(desc)
