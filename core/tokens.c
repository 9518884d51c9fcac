/*
 * tokens: bearer tokens issued, listed and revoked (see tokens.h).
 */
#include "config.h"

#include "tokens.h"
#include "clock.h"
#include "db.h"
#include "messages.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdint.h>
#include <string.h>

#define MAX_LIFETIME_MS (10LL * 366 * 86400 * 1000)

int tokens_role_known(const char *role)
{
	return role && (!strcmp(role, "office") || !strcmp(role, "registry") ||
	                !strcmp(role, "subsidy"));
}

/* Free text for a VARCHAR(max) column: 1 to max characters, no control
 * characters (valid UTF-8 is the JSON reader's to ensure). */
static int text_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return 0;
		chars += (*p & 0xC0) != 0x80;
	}
	return chars >= 1 && chars <= max;
}

struct issue {
	const char *role;
	const char *name;
	int64_t office_id;
	int64_t expires_ms;        /* 0: never */
};

static int field_invalid(struct crs_req *req, const char *field)
{
	resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, field);
	return CRS_HANDLED;
}

/* The request's token fields, checked; returns the refused field or NULL. */
static const char *read_issue(struct crs_req *req, struct issue *is)
{
	struct json_object *j = req->json, *v;

	memset(is, 0, sizeof(*is));
	if (json_object_object_get_ex(j, "role", &v) && json_object_is_type(v, json_type_string))
		is->role = json_object_get_string(v);
	if (!tokens_role_known(is->role))
		return "role";
	/* office.id is an INT: a larger number names no office. */
	if (json_object_object_get_ex(j, "office_id", &v) && v &&
	    (!json_object_is_type(v, json_type_int) ||
	     (is->office_id = json_object_get_int64(v)) <= 0 || is->office_id > INT32_MAX))
		return "office_id";
	if (!strcmp(is->role, "office") && !is->office_id)
		return "office_id";
	/* Absent, the role names the token; given, it must fit the column. */
	if (json_object_object_get_ex(j, "name", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    !text_ok(json_object_get_string(v), 128))
			return "name";
		is->name = json_object_get_string(v);
	}
	if (json_object_object_get_ex(j, "expires_in", &v)) {
		int64_t ms;

		if (!json_object_is_type(v, json_type_string) ||
		    clock_parse_duration(json_object_get_string(v), &ms) || ms <= 0 ||
		    ms > MAX_LIFETIME_MS)
			return "expires_in";
		is->expires_ms = clock_now_ms() + ms;
	}
	return NULL;
}

static struct json_object *instant_or_null(int64_t ms)
{
	char iso[32];

	if (!ms)
		return NULL;
	clock_iso_tehran(ms, iso);
	return json_object_new_string(iso);
}

int tokens_issue_handle(struct crs_req *req, void *unused)
{
	char tok[64], hash[65], now[24], until[24];
	struct json_object *o;
	const char *bad;
	struct crs_exec ex;
	struct crs_db *db;
	struct issue is;
	int rc;

	(void)unused;
	bad = read_issue(req, &is);
	if (bad)
		return field_invalid(req, bad);
	if (random_token(32, tok, sizeof(tok)) || sha256_hex(tok, hash))
		return CRS_ERROR;
	clock_sql_datetime(clock_now_ms(), now);
	clock_sql_datetime(is.expires_ms, until);
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = db_exec(db, "INSERT INTO api_token (token_hash, role, office_id, name,"
	                 " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_STR(hash), CRS_P_STR(is.role),
	                        is.office_id ? CRS_P_INT(is.office_id) : CRS_P_NULL,
	                        CRS_P_STR(is.name ? is.name : is.role), CRS_P_STR(now),
	                        is.expires_ms ? CRS_P_STR(until) : CRS_P_NULL), NULL, &ex);
	req_db_release(req, db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	o = json_object_new_object();
	json_object_object_add(o, "token", json_object_new_string(tok));
	json_object_object_add(o, "id", json_object_new_int64((int64_t)ex.insert_id));
	json_object_object_add(o, "role", json_object_new_string(is.role));
	json_object_object_add(o, "expires_at", instant_or_null(is.expires_ms));
	return resp_send_json_new(req, 201, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int tokens_list_handle(struct crs_req *req, void *unused)
{
	struct json_object *o, *arr;
	struct crs_rows *r = NULL;
	struct crs_db *db;
	int rc;

	(void)unused;
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = db_exec(db, "SELECT id, role, office_id, name, created_at, expires_at,"
	                 " revoked_at FROM api_token ORDER BY id DESC LIMIT 1000",
	             CRS_NO_PARAMS, &r, NULL);
	req_db_release(req, db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	arr = json_object_new_array();
	while (rows_next(r)) {
		struct json_object *x = json_object_new_object();
		int64_t id = 0, office = 0;

		rows_int(r, 0, &id);
		json_object_object_add(x, "id", json_object_new_int64(id));
		json_object_object_add(x, "role", json_object_new_string(rows_str(r, 1)));
		json_object_object_add(x, "office_id", rows_int(r, 2, &office) == CRS_OK
		                                               ? json_object_new_int64(office)
		                                               : NULL);
		json_object_object_add(x, "name", json_object_new_string(rows_str(r, 3)));
		json_object_object_add(x, "created_at", json_sql_instant(rows_str(r, 4)));
		json_object_object_add(x, "expires_at", json_sql_instant(rows_str(r, 5)));
		json_object_object_add(x, "revoked_at", json_sql_instant(rows_str(r, 6)));
		json_object_array_add(arr, x);
	}
	rows_free(r);
	o = json_object_new_object();
	json_object_object_add(o, "tokens", arr);
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int tokens_revoke_handle(struct crs_req *req, void *unused)
{
	struct crs_exec ex;
	struct crs_db *db;
	struct json_object *o;
	char now[24];
	int64_t id;
	int rc;

	(void)unused;
	if (parse_i64(req_get_param(req, "id"), &id) || id <= 0)
		return resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL), CRS_HANDLED;
	clock_sql_datetime(clock_now_ms(), now);
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	rc = db_exec(db, "UPDATE api_token SET revoked_at = ? WHERE id = ?"
	                 " AND revoked_at IS NULL",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_INT(id)), NULL, &ex);
	if (rc == CRS_OK && ex.affected != 1) {
		struct crs_rows *r = NULL;

		/* Revoked before: the same answer; never issued: 404. */
		rc = db_exec(db, "SELECT 1 FROM api_token WHERE id = ?",
		             CRS_PARAMS(CRS_P_INT(id)), &r, NULL);
		if (rc == CRS_OK && !rows_next(r))
			rc = CRS_ENOTFOUND;
		rows_free(r);
	}
	req_db_release(req, db);
	if (rc == CRS_ENOTFOUND)
		return resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL), CRS_HANDLED;
	if (rc)
		return resp_fail_db(req, rc), CRS_HANDLED;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "revoked", json_object_new_boolean(1));
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
