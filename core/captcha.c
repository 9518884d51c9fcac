/*
 * captcha: challenge issue and single-use check (see captcha.h).
 */
#include "config.h"

#include "captcha.h"
#include "base64.h"
#include "captcha_img.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "nid.h"
#include "request.h"
#include "util.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

int captcha_handle_new(struct crs_req *req, void *unused)
{
	unsigned char rnd[16], *png = NULL;
	size_t png_len = 0, cap;
	char id[32], created[24], expires[24], *uri = NULL;
	struct crs_db *db;
	struct json_object *o;
	uint64_t question, seed;
	int a, b, rc;
	ssize_t n;
	int64_t now = clock_now_ms();

	(void)unused;
	if (random_bytes(rnd, sizeof(rnd)) || random_token(16, id, sizeof(id)))
		return CRS_ERROR;
	memcpy(&question, rnd, sizeof(question));
	memcpy(&seed, rnd + 8, sizeof(seed));
	captcha_question(question, &a, &b);
	clock_sql_datetime(now, created);
	clock_sql_datetime(now + CAPTCHA_TTL_MS, expires);
	rc = req_db_acquire(req, &db);
	if (rc)
		return resp_fail_db(req, rc);
	rc = db_exec(db, "INSERT INTO captcha_challenge (id, answer, created_at, "
	                 "expires_at) VALUES (?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_STR(id), CRS_P_INT(a + b), CRS_P_STR(created),
	                        CRS_P_STR(expires)), NULL, NULL);
	req_db_release(req, db);
	if (rc)
		return resp_fail_db(req, rc);
	if (captcha_img_render(a, b, seed, &png, &png_len))
		return CRS_ERROR;
	cap = 22 + base64_encoded_len(png_len) + 1;
	uri = malloc(cap);
	if (!uri)
		goto fail;
	memcpy(uri, "data:image/png;base64,", 22);
	n = base64_encode(png, png_len, uri + 22, cap - 22);
	if (n < 0)
		goto fail;
	o = json_object_new_object();
	json_object_object_add(o, "captcha_id", json_object_new_string(id));
	json_object_object_add(o, "image", json_object_new_string(uri));
	json_object_object_add(o, "expires_in", json_object_new_int(CAPTCHA_TTL_MS / 1000));
	free(png);
	free(uri);
	return resp_send_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
fail:
	free(png);
	free(uri);
	return CRS_ERROR;
}

int captcha_check(struct crs_req *req, const char *id, const char *answer)
{
	char now[24], digits[16];
	struct crs_rows *rows = NULL;
	struct crs_exec ex;
	struct crs_db *db;
	int64_t want = -1, got;
	int rc;

	/* Ids are base64url tokens in an ASCII column: anything else is no
	 * challenge of ours, and must not reach SQL (a non-ASCII id makes the
	 * comparison itself fail). */
	if (!id || !answer || strlen(id) < 1 || strlen(id) > 32 ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	               "0123456789_-") != strlen(id))
		return CRS_ETIMEDOUT;
	clock_sql_datetime(clock_now_ms(), now);
	rc = req_db_acquire(req, &db);
	if (rc)
		return rc;
	/* Consume first: a challenge gets one guess, right or wrong. */
	rc = db_exec(db, "UPDATE captcha_challenge SET used_at = ? "
	                 "WHERE id = ? AND used_at IS NULL AND expires_at > ?",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(id), CRS_P_STR(now)),
	             NULL, &ex);
	if (rc == CRS_OK && ex.affected == 1)
		rc = db_exec(db, "SELECT answer FROM captcha_challenge WHERE id = ?",
		             CRS_PARAMS(CRS_P_STR(id)), &rows, NULL);
	req_db_release(req, db);
	if (rc)
		return rc;
	if (ex.affected != 1 || !rows_next(rows) || rows_int(rows, 0, &want)) {
		rows_free(rows);
		return CRS_ETIMEDOUT;
	}
	rows_free(rows);
	if (nid_digits_ascii(answer, digits, sizeof(digits)) ||
	    parse_i64(digits, &got) || got != want)
		return CRS_EINVAL;
	return CRS_OK;
}
