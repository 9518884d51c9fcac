/*
 * request: FastCGI request parsing and response writing (see request.h).
 */
#include "config.h"

#include "request.h"
#include "clock.h"
#include "db.h"
#include "digits.h"
#include "json_strict.h"
#include "log.h"
#include "messages.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *param(struct crs_req *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgx->envp);
}

static int read_body(struct crs_req *req, const char *cl)
{
	int64_t len = 0;
	char sink[4096];

	if (cl && *cl && (parse_i64(cl, &len) || len < 0))
		len = 0;
	if (len > REQ_MAX_BODY) {
		/* nginx already refuses these; drain anyway so a kept-alive
		 * FastCGI connection stays in step. */
		req->body_too_large = 1;
		while (FCGX_GetStr(sink, sizeof(sink), req->fcgx->in) > 0)
			;
		len = 0;
	}
	req->body = arena_alloc(&req->arena, (size_t)len + 1);
	if (!req->body)
		return CRS_ENOMEM;
	if (len > 0)
		req->body_len = (size_t)FCGX_GetStr(req->body, (int)len,
		                                    req->fcgx->in);
	req->body[req->body_len] = '\0';
	return CRS_OK;
}

/* The parameters every request needs, picked in one pass over the
 * FastCGI environment: the name's length picks the one candidate to
 * compare, so most entries cost a memchr. */
static void read_params(struct crs_req *req, const char **doc_uri,
                        const char **req_uri, const char **clen)
{
	char **e;

	for (e = req->fcgx->envp; *e; e++) {
		const char *kv = *e, *eq = memchr(kv, '=', 16);
		const char **dst = NULL, *want = NULL;

		if (!eq)
			continue;
		switch (eq - kv) {
		case 10: want = "REQUEST_ID"; dst = &req->id; break;
		/* REQUEST_URI and REMOTE_ADDR share length and first
		 * letter: the third letter tells them apart. */
		case 11: want = kv[2] == 'Q' ? "REQUEST_URI" : "REMOTE_ADDR";
		         dst = kv[2] == 'Q' ? req_uri : &req->client_ip;
		         break;
		case 12: want = kv[0] == 'D' ? "DOCUMENT_URI" :
		                kv[0] == 'Q' ? "QUERY_STRING" : "CONTENT_TYPE";
		         dst = kv[0] == 'D' ? doc_uri :
		               kv[0] == 'Q' ? &req->query_string : &req->content_type;
		         break;
		case 14: want = kv[0] == 'R' ? "REQUEST_METHOD" : "CONTENT_LENGTH";
		         dst = kv[0] == 'R' ? &req->method : clen;
		         break;
		default: continue;
		}
		if (memcmp(kv, want, (size_t)(eq - kv)) == 0)
			*dst = eq + 1;
	}
}

int req_begin(struct crs_req *req, FCGX_Request *fcgx, int admin_listener,
              int64_t deadline_ms)
{
	const char *doc_uri = NULL, *req_uri = NULL, *clen = NULL;
	char *q;

	req->fcgx = fcgx;
	req->admin_listener = admin_listener;
	req->start_mono = mono_ms();
	req->deadline_mono = req->start_mono + deadline_ms;
	read_params(req, &doc_uri, &req_uri, &clen);
	/* No copies: fcgi2 frees these strings in FCGX_Finish_r, and the
	 * request (its handler, log line and metrics) ends before that. */
	if (!req->method)
		req->method = "GET";
	/* DOCUMENT_URI is already decoded and normalised by nginx. */
	if (doc_uri) {
		req->path = doc_uri;
	} else {
		char *p = arena_strdup(&req->arena, req_uri ? req_uri : "/");

		q = p ? strchr(p, '?') : NULL;
		if (q)
			*q = '\0';
		req->path = p;
	}
	if (!req->query_string)
		req->query_string = "";
	if (!req->content_type)
		req->content_type = "";
	if (!req->client_ip)
		req->client_ip = "";
	if (!req->id) {
		char tok[40];

		if (random_token(12, tok, sizeof(tok)) == 0)
			req->id = arena_strdup(&req->arena, tok);
	}
	req->status = 0;
	strbuf_init(&req->headers);
	if (!req->method || !req->path || !req->query_string ||
	    !req->content_type || !req->client_ip || !req->id)
		return CRS_ENOMEM;
	return read_body(req, clen);
}

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

static int write_head(struct crs_req *req, const char *content_type,
                      long content_length)
{
	char storage[1024];
	struct strbuf h;
	int rc = CRS_OK;

	strbuf_init_on(&h, storage, sizeof(storage));
	strbuf_adds(&h, "Status: ");
	strbuf_addint(&h, req->status);
	strbuf_add(&h, " ", 1);
	strbuf_adds(&h, status_text(req->status));
	if (content_type) {
		strbuf_adds(&h, "\r\nContent-Type: ");
		strbuf_adds(&h, content_type);
	}
	if (content_length >= 0) {
		strbuf_adds(&h, "\r\nContent-Length: ");
		strbuf_addint(&h, content_length);
	}
	strbuf_adds(&h, "\r\nX-Request-Id: ");
	strbuf_adds(&h, req->id);
	strbuf_adds(&h, "\r\nCache-Control: no-store\r\n");
	if (req->headers.len)
		strbuf_add(&h, req->headers.buf, req->headers.len);
	strbuf_add(&h, "\r\n", 2);
	if (h.failed ||
	    FCGX_PutStr(h.buf, (int)h.len, req->fcgx->out) != (int)h.len) {
		req->client_gone = 1;
		rc = CRS_EUNAVAIL;
	}
	strbuf_release(&h);
	return rc;
}

static void release_held(struct crs_req *req)
{
	int i;

	for (i = 0; i < REQ_MAX_HELD_DB; i++) {
		if (req->held[i]) {
			log_msg(CRS_LOG_WARN, req->plugin, req->id,
			        "db connection not released by handler");
			db_release(req->held[i]);
			req->held[i] = NULL;
		}
	}
}

void req_end(struct crs_req *req)
{
	release_held(req);
	if (req->streaming)
		return;
	if (!req->responded)
		resp_fail(req, 500, "INTERNAL", MSG_INTERNAL, NULL);
	if (write_head(req, req->resp_type, (long)req->resp_len) == CRS_OK &&
	    req->resp_len &&
	    FCGX_PutStr(req->resp_body, (int)req->resp_len, req->fcgx->out) !=
	            (int)req->resp_len)
		req->client_gone = 1;
}

void req_release(struct crs_req *req)
{
	struct arena keep = req->arena;

	if (req->json)
		json_object_put(req->json);
	strbuf_release(&req->headers);
	arena_reset(&keep);
	memset(req, 0, sizeof(*req));
	req->arena = keep;
}

/* "HTTP_" + name upper-cased with '-' as '_', as FastCGI passes headers. */
const char *req_get_header(struct crs_req *req, const char *name)
{
	char key[128];
	size_t i;
	const char *v;

	if (strlen(name) + 6 > sizeof(key))
		return NULL;
	if (strcasecmp(name, "Content-Type") == 0)
		return req->content_type;
	memcpy(key, "HTTP_", 5);
	for (i = 0; name[i]; i++)
		key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	key[5 + i] = '\0';
	v = param(req, key);
	return v ? arena_strdup(&req->arena, v) : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int url_decode(char *s)
{
	char *w = s, *start = s;

	for (; *s; s++) {
		if (*s == '+') {
			*w++ = ' ';
		} else if (*s == '%') {
			int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);

			/* %00 would cut the value where C code reads it. */
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return digits_utf8_valid(start) ? 0 : -1;
}

/* Split "a=1&b=2" (sep '&') or "a=1; b=2" (sep ';') into the arena. */
static void parse_pairs(struct crs_req *req, struct kvlist *out,
                        const char *src, char sep, int decode)
{
	char *copy, *p, *next;
	const char *c;
	size_t cap = 1, n = 0;

	out->parsed = 1;
	if (!src || !*src)
		return;
	for (c = src; *c; c++)
		cap += *c == sep;
	copy = arena_strdup(&req->arena, src);
	out->v = arena_alloc(&req->arena, cap * sizeof(*out->v));
	if (!copy || !out->v)
		return;
	for (p = copy; p && *p; p = next) {
		char *eq;

		next = strchr(p, sep);
		if (next)
			*next++ = '\0';
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		eq = strchr(p, '=');
		if (eq)
			*eq++ = '\0';
		else
			eq = p + strlen(p);
		if (decode && (url_decode(p) || url_decode(eq))) {
			out->malformed = 1;
			continue;
		}
		out->v[n].k = p;
		out->v[n].v = eq;
		n++;
	}
	out->n = n;
}

static const char *kv_find(const struct kvlist *l, const char *name, int ci)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ci ? strcasecmp(l->v[i].k, name) == 0
		       : strcmp(l->v[i].k, name) == 0)
			return l->v[i].v;
	return NULL;
}

const char *req_get_query(struct crs_req *req, const char *name)
{
	if (!req->query.parsed)
		parse_pairs(req, &req->query, req->query_string, '&', 1);
	return kv_find(&req->query, name, 0);
}

const char *req_get_form(struct crs_req *req, const char *name, int ci)
{
	if (!req->form.parsed)
		parse_pairs(req, &req->form,
		            req_content_type_is(req, "application/x-www-form-urlencoded")
		                    ? req->body : NULL,
		            '&', 1);
	return kv_find(&req->form, name, ci);
}

const char *req_get_field(struct crs_req *req, const char *name)
{
	const char *v = req_get_form(req, name, 1);

	if (v)
		return v;
	if (!req->query.parsed)
		parse_pairs(req, &req->query, req->query_string, '&', 1);
	return kv_find(&req->query, name, 1);
}

const char *req_get_cookie(struct crs_req *req, const char *name)
{
	if (!req->cookies.parsed)
		parse_pairs(req, &req->cookies, param(req, "HTTP_COOKIE"), ';', 0);
	return kv_find(&req->cookies, name, 0);
}

const char *req_get_param(struct crs_req *req, const char *name)
{
	return kv_find(&req->params, name, 0);
}

int req_params_malformed(struct crs_req *req, int form)
{
	req_get_query(req, "");
	if (form)
		req_get_form(req, "", 0);
	return req->query.malformed || (form && req->form.malformed);
}

int req_content_type_is(struct crs_req *req, const char *type)
{
	size_t n = strlen(type);

	return strncasecmp(req->content_type, type, n) == 0 &&
	       (req->content_type[n] == '\0' || req->content_type[n] == ';' ||
	        req->content_type[n] == ' ');
}

int req_parse_json(struct crs_req *req)
{
	struct json_object *obj = NULL;
	const char *why = NULL;

	if (json_strict_parse(req->body, req->body_len, REQ_MAX_JSON_DEPTH, &obj,
	                      &why) != CRS_OK) {
		log_msg(CRS_LOG_INFO, req->plugin, req->id, "JSON body refused: %s", why);
		return CRS_EINVAL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return CRS_EINVAL;
	}
	req->json = obj;
	return CRS_OK;
}

void resp_add_header(struct crs_req *req, const char *name, const char *value)
{
	/* Header injection: a value never carries CR or LF. */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return;
	strbuf_addf(&req->headers, "%s: %s\r\n", name, value);
}

int resp_set_body(struct crs_req *req, int status, const char *content_type,
                  const void *body, size_t len)
{
	char *copy = NULL;

	if (req->streaming)
		return CRS_EINVAL;
	if (len) {
		/* The arena is reused request after request: no malloc here
		 * for ordinary bodies. */
		copy = arena_alloc(&req->arena, len);
		if (!copy)
			return CRS_ENOMEM;
		memcpy(copy, body, len);
	}
	req->resp_body = copy;
	req->resp_len = len;
	req->resp_type = content_type ? arena_strdup(&req->arena, content_type)
	                               : NULL;
	req->status = status;
	req->responded = 1;
	return CRS_OK;
}

int resp_send_json_new(struct crs_req *req, int status, struct json_object *obj)
{
	size_t len;
	const char *s;
	int rc;

	if (!obj)
		return CRS_ENOMEM;
	s = json_object_to_json_string_length(
		obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	rc = s ? resp_set_body(req, status, "application/json; charset=utf-8", s, len)
	       : CRS_ENOMEM;
	json_object_put(obj);
	return rc;
}

int resp_send_redirect(struct crs_req *req, int status, const char *location)
{
	if (strpbrk(location, "\r\n"))
		return CRS_EINVAL;
	resp_add_header(req, "Location", location);
	return resp_set_body(req, status, NULL, NULL, 0);
}

int resp_fail(struct crs_req *req, int status, const char *code,
              const char *message, const char *field)
{
	char storage[1024];
	struct strbuf sb;
	int rc;

	strbuf_init_on(&sb, storage, sizeof(storage));
	req->error_code = arena_strdup(&req->arena, code);
	if (req->route_flags & CRS_ROUTE_TEXT) {
		/* A USSD-like client shows the text and ends the session. */
		strbuf_adds(&sb, "END ");
		strbuf_adds(&sb, message);
		rc = sb.failed ? CRS_ENOMEM
		               : resp_set_body(req, status, "text/plain; charset=utf-8",
		                               sb.buf, sb.len);
		strbuf_release(&sb);
		return rc;
	}
	strbuf_adds(&sb, "{\"error\":{\"code\":");
	strbuf_addjson(&sb, code);
	strbuf_adds(&sb, ",\"message\":");
	strbuf_addjson(&sb, message);
	if (field) {
		strbuf_adds(&sb, ",\"field\":");
		strbuf_addjson(&sb, field);
	}
	strbuf_adds(&sb, "}}");
	rc = sb.failed ? CRS_ENOMEM
	               : resp_set_body(req, status,
	                               "application/json; charset=utf-8", sb.buf,
	                               sb.len);
	strbuf_release(&sb);
	return rc;
}

int resp_stream_begin(struct crs_req *req, int status, const char *content_type)
{
	if (req->streaming || req->responded)
		return CRS_EINVAL;
	req->status = status;
	req->streaming = 1;
	req->responded = 1;
	/* nginx would otherwise hold a whole export in its buffers. */
	resp_add_header(req, "X-Accel-Buffering", "no");
	return write_head(req, content_type, -1);
}

int resp_stream_write(struct crs_req *req, const void *buf, size_t len)
{
	const char *p = buf;

	if (!req->streaming || req->client_gone)
		return CRS_EUNAVAIL;
	while (len) {
		int chunk = len > 65536 ? 65536 : (int)len;

		if (FCGX_PutStr(p, chunk, req->fcgx->out) != chunk) {
			req->client_gone = 1;
			return CRS_EUNAVAIL;
		}
		p += chunk;
		len -= (size_t)chunk;
	}
	return CRS_OK;
}

int req_db_acquire(struct crs_req *req, struct crs_db **db)
{
	int i, rc;

	for (i = 0; i < REQ_MAX_HELD_DB && req->held[i]; i++)
		;
	if (i == REQ_MAX_HELD_DB)
		return CRS_EINVAL;
	rc = db_acquire(req->deadline_mono, db);
	if (rc == CRS_OK)
		req->held[i] = *db;
	return rc;
}

void req_db_release(struct crs_req *req, struct crs_db *db)
{
	int i;

	for (i = 0; i < REQ_MAX_HELD_DB; i++)
		if (req->held[i] == db)
			req->held[i] = NULL;
	db_release(db);
}

struct json_object *json_sql_instant(const char *sql_time)
{
	char iso[32];
	int64_t ms;

	if (!sql_time || clock_parse_sql(sql_time, &ms))
		return NULL;
	clock_iso_tehran(ms, iso);
	return json_object_new_string(iso);
}

int resp_fail_db(struct crs_req *req, int rc)
{
	if (rc == CRS_EUNAVAIL || rc == CRS_ETIMEDOUT || rc == CRS_EDB_GONE ||
	    rc == CRS_EDB_RETRY)
		return resp_fail(req, 503, "DB_UNAVAILABLE", MSG_DB_UNAVAILABLE, NULL);
	return resp_fail(req, 500, "INTERNAL", MSG_INTERNAL, NULL);
}
