/*
 * request: one HTTP request as crsd sees it through FastCGI, and its
 * response.  What a plugin reads is valid for the request (fcgi2 frees its
 * parameter strings in FCGX_Finish_r, after the request has ended), parsed
 * lazily (query, form, cookies) and bounded (64 KiB body, JSON depth 16,
 * strict UTF-8).  The response is buffered and written in one piece, or streamed.
 * Errors are rendered as API.md says: {"error":{code,message,field}}.
 */
#ifndef CRS_REQUEST_H
#define CRS_REQUEST_H

#include <crs/plugin.h>
#include <fcgiapp.h>
#include <stdint.h>

#include "util.h"

#define REQ_MAX_BODY (64 * 1024)
#define REQ_MAX_HELD_DB 4
#define REQ_MAX_JSON_DEPTH 16

struct kv {
	const char *k;
	const char *v;
};

struct kvlist {
	struct kv *v;
	size_t n;
	int parsed;
	int malformed;            /* a pair was left out: bad escape, %00, not UTF-8 */
};

/* A core route's own flag (never a plugin's): malformed query or form
 * pairs do not refuse the request; the handler sees req_params_malformed.
 * Bank callbacks: the browser must always end on the result page. */
#define ROUTE_CORE_LENIENT 0x80000000u

struct plugin_instance;

struct crs_req {
	FCGX_Request *fcgx;
	struct arena arena;
	int admin_listener;

	const char *method;
	const char *path;
	const char *query_string;
	const char *content_type;
	const char *client_ip;
	const char *id;
	int64_t start_mono;
	int64_t deadline_mono;

	char *body;
	size_t body_len;
	int body_too_large;

	struct kvlist query;
	struct kvlist form;
	struct kvlist cookies;
	struct kvlist params;     /* path parameters */
	struct json_object *json;

	/* routing */
	const char *route;        /* template, for logs and metrics */
	unsigned route_flags;     /* CRS_ROUTE_* of the matched route */
	const char *plugin;       /* name of the plugin serving it, or NULL */
	struct plugin_instance *inst;

	/* auth */
	struct crs_principal principal;
	const char *session_subject;
	const char *session_key;  /* hash of the session cookie */
	const char *session_csrf;

	/* databases lent to this request, released at the end if forgotten */
	struct crs_db *held[REQ_MAX_HELD_DB];

	/* response */
	int status;
	struct strbuf headers;
	const char *resp_type;
	char *resp_body;          /* in the arena */
	size_t resp_len;
	int responded;
	int streaming;
	int client_gone;
	const char *error_code;
};

/* Start a request on an accepted FastCGI request; reads the body. */
int req_begin(struct crs_req *req, FCGX_Request *fcgx, int admin_listener,
              int64_t deadline_ms);
/* Write the response if not yet written, release held resources and reset
 * the arena. */
void req_end(struct crs_req *req);
void req_release(struct crs_req *req);

const char *req_get_header(struct crs_req *req, const char *name);
const char *req_get_query(struct crs_req *req, const char *name);
const char *req_get_form(struct crs_req *req, const char *name, int ci);
/* Form field, else query parameter, both case-insensitive. */
const char *req_get_field(struct crs_req *req, const char *name);
const char *req_get_cookie(struct crs_req *req, const char *name);
const char *req_get_param(struct crs_req *req, const char *name);
/* Parse the JSON body into req->json; CRS_OK or CRS_EINVAL. */
int req_parse_json(struct crs_req *req);
/* 1 when the query string (and, for form, the form body) had a pair that
 * could not be decoded. */
int req_params_malformed(struct crs_req *req, int form);
int req_content_type_is(struct crs_req *req, const char *type);

void resp_add_header(struct crs_req *req, const char *name, const char *value);
int resp_set_body(struct crs_req *req, int status, const char *content_type,
                  const void *body, size_t len);
int resp_send_json_new(struct crs_req *req, int status,
                       struct json_object *obj);
int resp_send_redirect(struct crs_req *req, int status, const char *location);
int resp_fail(struct crs_req *req, int status, const char *code,
              const char *message, const char *field);
int resp_stream_begin(struct crs_req *req, int status,
                      const char *content_type);
int resp_stream_write(struct crs_req *req, const void *buf, size_t len);

/* Borrow a pooled connection until req_db_release or the request's end;
 * waits at most until the request's deadline. */
int req_db_acquire(struct crs_req *req, struct crs_db **db);
void req_db_release(struct crs_req *req, struct crs_db *db);
/* Render 503 DB_UNAVAILABLE (or 500) for a failed database call rc. */
int resp_fail_db(struct crs_req *req, int rc);

/* A DATETIME column's text as the JSON instant of API.md (ISO 8601, Tehran
 * offset), or NULL (JSON null) for SQL NULL. */
struct json_object *json_sql_instant(const char *sql_time);

/* Decode %XX and '+' in place; -1 on a malformed escape, %00, or a result
 * that is not UTF-8 (the pair is then left out). */
int url_decode(char *s);

#endif
