/*
 * auth: sessions, CSRF and bearer tokens (see auth.h).
 */
#include "config.h"

#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "messages.h"
#include "request.h"
#include "router.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COOKIE "crs_session"

static char admin_hash[65];

int auth_init(const struct conf *cfg)
{
	const char *h = conf_get(cfg, "core", "admin_token_sha256", "");

	if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64) {
		log_warn("auth: [core] admin_token_sha256 unset or malformed: the "
		         "admin API refuses every call");
		admin_hash[0] = '\0';
		return 0;
	}
	memcpy(admin_hash, h, 65);
	return 0;
}

static int state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static int check_session(struct crs_req *req, const struct crs_route *route)
{
	const char *cookie = req_get_cookie(req, COOKIE), *csrf, *hdr;
	char key[65], cutoff[24], now[24];
	struct crs_rows *rows = NULL;
	struct crs_db *db;
	int64_t fresh = 0, t = clock_now_ms();
	int rc;

	if (!cookie || !*cookie || strlen(cookie) > 64)
		goto required;
	if (sha256_hex(cookie, key))
		return CRS_ENOMEM;
	clock_sql_datetime(t - SESSION_IDLE_MS, cutoff);
	clock_sql_datetime(t, now);
	rc = req_db_acquire(req, &db);
	if (rc)
		goto db_fail;
	rc = db_exec(db, "SELECT subject, csrf, last_seen_at >= ? FROM session "
	                 "WHERE id_hash = ?",
	             CRS_PARAMS(CRS_P_STR(cutoff), CRS_P_STR(key)), &rows, NULL);
	if (rc)
		goto db_fail_held;
	if (!rows_next(rows)) {
		rows_free(rows);
		req_db_release(req, db);
		goto required;
	}
	rows_int(rows, 2, &fresh);
	if (!fresh) {
		rows_free(rows);
		req_db_release(req, db);
		resp_fail(req, 401, "SESSION_EXPIRED", MSG_SESSION_EXPIRED, NULL);
		return CRS_EREFUSED;
	}
	csrf = rows_str(rows, 1);
	hdr = req_get_header(req, "X-CSRF-Token");
	if (state_changing(req->method) && !(route->flags & CRS_ROUTE_NOCSRF) &&
	    (!hdr || !csrf || !const_time_eq(hdr, csrf))) {
		rows_free(rows);
		req_db_release(req, db);
		resp_fail(req, 403, "CSRF_FAILED", MSG_CSRF_FAILED, NULL);
		return CRS_EREFUSED;
	}
	req->session_subject = arena_strdup(&req->arena, rows_str(rows, 0));
	req->session_key = arena_strdup(&req->arena, key);
	req->session_csrf = arena_strdup(&req->arena, csrf);
	rows_free(rows);
	rc = db_exec(db, "UPDATE session SET last_seen_at = ? WHERE id_hash = ?",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(key)), NULL, NULL);
	if (rc)
		goto db_fail_held;
	req_db_release(req, db);
	return CRS_OK;
required:
	resp_fail(req, 401, "SESSION_REQUIRED", MSG_SESSION_REQUIRED, NULL);
	return CRS_EREFUSED;
db_fail_held:
	req_db_release(req, db);
db_fail:
	resp_fail_db(req, rc);
	return CRS_EREFUSED;
}

static const char *bearer(struct crs_req *req)
{
	const char *h = req_get_header(req, "Authorization");

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h && strlen(h) <= 128 ? h : NULL;
}

/* The route's roles: a space-separated list (since 1.1), else one. */
static int role_allowed(const struct crs_route *route, const char *role)
{
	const char *p = route->roles;
	size_t n = strlen(role);

	if (!p || !*p)
		return route->role && strcmp(route->role, role) == 0;
	while (*p) {
		size_t len = strcspn(p, " ");

		if (len == n && memcmp(p, role, n) == 0)
			return 1;
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

static int check_bearer(struct crs_req *req, const struct crs_route *route)
{
	const char *tok = bearer(req);
	char hash[65], now[24];
	struct crs_rows *rows = NULL;
	struct crs_db *db;
	int rc;

	if (!tok || sha256_hex(tok, hash))
		goto invalid;
	if (role_allowed(route, "admin") && admin_hash[0] &&
	    const_time_eq(hash, admin_hash)) {
		req->principal.role = "admin";
		req->principal.name = "admin";
		return CRS_OK;
	}
	/* The admin token lives in the config, not the table. */
	if (router_is_admin_path(route->path))
		goto invalid;
	rc = req_db_acquire(req, &db);
	if (rc) {
		resp_fail_db(req, rc);
		return CRS_EREFUSED;
	}
	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, "SELECT id, role, office_id, name FROM api_token "
	                 "WHERE token_hash = ? AND revoked_at IS NULL"
	                 " AND (expires_at IS NULL OR expires_at > ?)",
	             CRS_PARAMS(CRS_P_STR(hash), CRS_P_STR(now)), &rows, NULL);
	req_db_release(req, db);
	if (rc) {
		resp_fail_db(req, rc);
		return CRS_EREFUSED;
	}
	if (!rows_next(rows)) {
		rows_free(rows);
		goto invalid;
	}
	if (!role_allowed(route, rows_str(rows, 1))) {
		rows_free(rows);
		resp_fail(req, 403, "FORBIDDEN", MSG_FORBIDDEN, NULL);
		return CRS_EREFUSED;
	}
	rows_int(rows, 0, &req->principal.token_id);
	if (rows_int(rows, 2, &req->principal.office_id))
		req->principal.office_id = 0;
	req->principal.role = arena_strdup(&req->arena, rows_str(rows, 1));
	req->principal.name = arena_strdup(&req->arena, rows_str(rows, 3));
	rows_free(rows);
	return CRS_OK;
invalid:
	resp_add_header(req, "WWW-Authenticate", "Bearer");
	resp_fail(req, 401, "TOKEN_INVALID", MSG_TOKEN_INVALID, NULL);
	return CRS_EREFUSED;
}

int auth_check(struct crs_req *req, const struct crs_route *route)
{
	switch (route->auth) {
	case CRS_AUTH_NONE:
		return CRS_OK;
	case CRS_AUTH_SESSION:
		return check_session(req, route);
	case CRS_AUTH_BEARER:
		return check_bearer(req, route);
	}
	return CRS_EINVAL;
}

static void set_cookie(struct crs_req *req, const char *value, int clear)
{
	const char *https = FCGX_GetParam("HTTPS", req->fcgx->envp);
	char line[256];

	snprintf(line, sizeof(line), COOKIE "=%s; Path=/; HttpOnly; "
	         "SameSite=Strict%s%s", value, clear ? "; Max-Age=0" : "",
	         https && *https ? "; Secure" : "");
	resp_add_header(req, "Set-Cookie", line);
}

int session_start(struct crs_req *req, struct crs_db *db, const char *subject,
                  char *csrf, size_t csrf_size)
{
	char id[64], key[65], now[24];
	const char *old = req_get_cookie(req, COOKIE);
	int rc;

	if (random_token(32, id, sizeof(id)) ||
	    random_token(32, csrf, csrf_size) || sha256_hex(id, key))
		return CRS_EFAIL;
	clock_sql_datetime(clock_now_ms(), now);
	/* A new id at every login: a fixed id planted before login is
	 * worthless, and the old session ends. */
	if (old && *old && strlen(old) <= 64) {
		char old_key[65];

		if (sha256_hex(old, old_key) == 0) {
			rc = db_exec(db, "DELETE FROM session WHERE id_hash = ?",
			             CRS_PARAMS(CRS_P_STR(old_key)), NULL, NULL);
			if (rc)
				return rc;
		}
	}
	rc = db_exec(db, "INSERT INTO session (id_hash, subject, csrf, created_at, "
	                 "last_seen_at) VALUES (?, ?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_STR(key), CRS_P_STR(subject), CRS_P_STR(csrf),
	                        CRS_P_STR(now), CRS_P_STR(now)), NULL, NULL);
	if (rc)
		return rc;
	set_cookie(req, id, 0);
	req->session_subject = arena_strdup(&req->arena, subject);
	req->session_key = arena_strdup(&req->arena, key);
	req->session_csrf = arena_strdup(&req->arena, csrf);
	return CRS_OK;
}

int session_end(struct crs_req *req)
{
	struct crs_db *db;
	int rc;

	set_cookie(req, "", 1);
	if (!req->session_key)
		return CRS_OK;
	rc = req_db_acquire(req, &db);
	if (rc)
		return rc;
	rc = db_exec(db, "DELETE FROM session WHERE id_hash = ?",
	             CRS_PARAMS(CRS_P_STR(req->session_key)), NULL, NULL);
	req_db_release(req, db);
	return rc;
}

void auth_sweep(void *unused, void *arg)
{
	int64_t day_ago = clock_now_ms() - 24LL * 3600 * 1000;

	(void)unused;
	(void)arg;
	/* Bounded batches keep each statement short under load. */
	db_sweep("DELETE FROM session WHERE last_seen_at < ? LIMIT 1000", day_ago);
	db_sweep("DELETE FROM captcha_challenge WHERE expires_at < ? LIMIT 1000", day_ago);
}
