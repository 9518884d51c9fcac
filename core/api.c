/*
 * api: the one struct crs_api of the process (see api.h).
 */
#include "config.h"

#include "api.h"
#include "auth.h"
#include "captcha.h"
#include "application.h"
#include "civil.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "httpc.h"
#include "json_strict.h"
#include "jobs.h"
#include "life.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "modules.h"
#include "outbox.h"
#include "pay_attempt.h"
#include "payments.h"
#include "ratelimit.h"
#include "schedule.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

static const char *pctx_name(struct crs_plugin_ctx *pctx)
{
	return pctx ? modules_inst_name(pctx->inst) : NULL;
}

static void api_log(struct crs_plugin_ctx *pctx, struct crs_req *req,
                    enum crs_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, req && req->plugin ? req->plugin : pctx_name(pctx),
	         req ? req->id : NULL, fmt, ap);
	va_end(ap);
}

static void section_of(struct crs_plugin_ctx *pctx, char *out, size_t n)
{
	snprintf(out, n, "plugin.%s", pctx_name(pctx));
}

static const char *api_config_get(struct crs_plugin_ctx *pctx, const char *key,
                                  const char *def)
{
	char sec[96];

	section_of(pctx, sec, sizeof(sec));
	return conf_get(modules_conf(), sec, key, def);
}

static int api_config_int(struct crs_plugin_ctx *pctx, const char *key,
                          int64_t def, int64_t min, int64_t max, int64_t *out)
{
	char sec[96], err[256];

	section_of(pctx, sec, sizeof(sec));
	if (conf_get_int(modules_conf(), sec, key, def, min, max, out, err,
	                 sizeof(err))) {
		log_error("%s", err);
		return CRS_EINVAL;
	}
	return CRS_OK;
}

static void *api_alloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

static void api_free(void *p)
{
	free(p);
}

static void *api_req_alloc(struct crs_req *req, size_t size)
{
	return arena_alloc(&req->arena, size);
}

static char *api_req_strdup(struct crs_req *req, const char *s)
{
	return arena_strdup(&req->arena, s);
}

static char *api_req_printf(struct crs_req *req, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(&req->arena, fmt, ap);
	va_end(ap);
	return p;
}

static const char *api_req_method(struct crs_req *req) { return req->method; }
static const char *api_req_path(struct crs_req *req) { return req->path; }
static const char *api_req_id(struct crs_req *req) { return req->id; }
static const char *api_req_client_ip(struct crs_req *req) { return req->client_ip; }

static const char *api_req_body(struct crs_req *req, size_t *len)
{
	if (len)
		*len = req->body_len;
	return req->body;
}

static struct json_object *api_req_json(struct crs_req *req)
{
	return req->json;
}

static const struct crs_principal *api_req_principal(struct crs_req *req)
{
	return req->principal.role ? &req->principal : NULL;
}

static int64_t api_req_deadline(struct crs_req *req)
{
	return clock_now_ms() + (req->deadline_mono - mono_ms());
}

static int api_resp_json_new(struct crs_req *req, int status,
                             struct json_object *obj)
{
	return resp_send_json_new(req, status, obj);
}

static int api_fail(struct crs_req *req, int status, const char *code,
                    const char *message, const char *field)
{
	resp_fail(req, status, code, message, field);
	return CRS_HANDLED;
}

static const char *api_json_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int api_json_int(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return CRS_ENOTFOUND;
	if (!json_object_is_type(v, json_type_int))
		return CRS_EINVAL;
	*out = json_object_get_int64(v);
	return CRS_OK;
}

static int api_json_bool(struct json_object *obj, const char *key, int *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return CRS_ENOTFOUND;
	if (!json_object_is_type(v, json_type_boolean))
		return CRS_EINVAL;
	*out = json_object_get_boolean(v);
	return CRS_OK;
}

static int api_db_acquire(struct crs_req *req, struct crs_db **db)
{
	if (req)
		return req_db_acquire(req, db);
	return db_acquire(mono_ms() + 5000, db);
}

/* db_release cannot know the request; req_end frees forgotten ones, so a
 * released connection must leave the request's list: search all held. */
static _Thread_local struct crs_req *current_req;

static void api_db_release(struct crs_db *db)
{
	if (current_req)
		req_db_release(current_req, db);
	else
		db_release(db);
}

static int api_db_tx(struct crs_req *req, crs_tx_fn fn, void *arg)
{
	return db_tx(req ? req->deadline_mono : mono_ms() + 30000, fn, arg);
}

static int api_session_start(struct crs_req *req, struct crs_db *db,
                             const char *subject, char *csrf, size_t n)
{
	return session_start(req, db, subject, csrf, n);
}

static const char *api_session_subject(struct crs_req *req)
{
	return req->session_subject;
}

static const char *api_session_csrf(struct crs_req *req)
{
	return req->session_csrf;
}

static int api_timer_add(struct crs_plugin_ctx *pctx, int64_t period_ms,
                         crs_job_fn fn, void *arg)
{
	return jobs_timer_add(pctx->inst, period_ms, fn, arg);
}

static int api_job_submit(struct crs_plugin_ctx *pctx, crs_job_fn fn, void *arg)
{
	return jobs_submit(pctx->inst, fn, arg);
}

static int api_job_cancelled(struct crs_plugin_ctx *pctx)
{
	return modules_inst_cancelled(pctx->inst);
}

static void api_metric_add(struct crs_plugin_ctx *pctx, const char *name,
                           const char *label, int64_t delta)
{
	metrics_add(pctx_name(pctx), name, label, delta);
}

static int api_json_parse(const char *text, size_t len, struct json_object **out)
{
	return json_strict_parse(text, len, REQ_MAX_JSON_DEPTH, out, NULL);
}

static int api_parse_i64(const char *s, int64_t *out)
{
	return s && parse_i64(s, out) == 0 ? CRS_OK : CRS_EINVAL;
}

static int api_sql_time_parse(const char *s, int64_t *out)
{
	return clock_parse_sql(s, out) == 0 ? CRS_OK : CRS_EINVAL;
}

static int api_schedule(struct crs_plugin_ctx *pctx, const struct crs_schedule *spec,
                        crs_job_fn fn, void *arg, struct crs_timer **out)
{
	return schedule_add(pctx->inst, pctx_name(pctx), spec, fn, arg, out);
}

static int api_fail_db(struct crs_req *req, int rc)
{
	log_msg(CRS_LOG_WARN, req ? req->plugin : NULL, req ? req->id : NULL,
	        "database call failed (%d)", rc);
	resp_fail_db(req, rc);
	return CRS_HANDLED;
}

static const struct crs_api table = {
	.size = sizeof(struct crs_api),
	.abi_major = CRS_ABI_MAJOR,
	.abi_minor = CRS_ABI_MINOR,
	.log = api_log,
	.config_get = api_config_get,
	.config_int = api_config_int,
	.alloc = api_alloc,
	.free = api_free,
	.req_alloc = api_req_alloc,
	.req_strdup = api_req_strdup,
	.req_printf = api_req_printf,
	.req_method = api_req_method,
	.req_path = api_req_path,
	.req_id = api_req_id,
	.req_client_ip = api_req_client_ip,
	.req_param = req_get_param,
	.req_query = req_get_query,
	.req_form = req_get_form,
	.req_header = req_get_header,
	.req_cookie = req_get_cookie,
	.req_body = api_req_body,
	.req_json = api_req_json,
	.req_principal = api_req_principal,
	.req_deadline_ms = api_req_deadline,
	.resp_header = resp_add_header,
	.resp_json_new = api_resp_json_new,
	.resp_body = resp_set_body,
	.resp_redirect = resp_send_redirect,
	.resp_stream_begin = resp_stream_begin,
	.resp_write = resp_stream_write,
	.fail = api_fail,
	.json_str = api_json_str,
	.json_int = api_json_int,
	.json_bool = api_json_bool,
	.db_acquire = api_db_acquire,
	.db_release = api_db_release,
	.db_exec = db_exec,
	.db_tx = api_db_tx,
	.rows_next = rows_next,
	.rows_count = rows_count,
	.rows_str = rows_str,
	.rows_int = rows_int,
	.rows_free = rows_free,
	.now_ms = clock_now_ms,
	.session_start = api_session_start,
	.session_subject = api_session_subject,
	.session_end = session_end,
	.captcha_check = captcha_check,
	.http_do = httpc_do,
	.http_release = httpc_release,
	.notify_sms = outbox_sms,
	.notify_email = outbox_email,
	.timer_add = api_timer_add,
	.job_submit = api_job_submit,
	.job_cancelled = api_job_cancelled,
	.metric_add = api_metric_add,
	.random_bytes = random_bytes,
	.hmac_sha256 = hmac_sha256,
	.payment_fee_rial = payments_fee_rial,
	.req_field = req_get_field,
	.session_csrf = api_session_csrf,
	CIVIL_API_ENTRIES
	.rate_hit = rate_hit,
	.rate_check = rate_check,
	.json_parse = api_json_parse,
	.parse_i64 = api_parse_i64,
	.sql_time = clock_sql_datetime,
	.sql_time_parse = api_sql_time_parse,
	.iso_tehran = clock_iso_tehran,
	.notify = outbox_notify,
	.schedule = api_schedule,
	.schedule_cancel = schedule_cancel,
	.payment_status = pay_status,
	.life_move = lifecycle_move,
	.life_begin = lifecycle_begin,
	.app_load = app_load,
	.app_facts = app_facts,
	.app_json = app_json,
	.life_operations = life_operations,
	.life_next = life_next,
	.stage_name = life_stage_name,
	.stage_parse = life_stage_parse,
	.operation_name = life_operation_name,
	.next_name = life_next_name,
	.fail_db = api_fail_db,
	.db_query_each = db_query_each,
};

const struct crs_api *api_table(void)
{
	return &table;
}

void api_set_current_request(struct crs_req *req)
{
	current_req = req;
}
