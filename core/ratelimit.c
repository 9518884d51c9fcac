/*
 * ratelimit: sliding-window counts in tables rate_subject and rate_event
 * (see ratelimit.h).
 */
#include "config.h"

#include "ratelimit.h"
#include "clock.h"
#include "db.h"
#include "util.h"

#include <string.h>

static int name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789_.:-") == n;
}

static int hits_since(struct crs_db *db, const char *bucket, const char *subject,
                      const char *since, int64_t *hits)
{
	struct crs_rows *r = NULL;
	int rc = db_exec(db, "SELECT COUNT(*) FROM rate_event WHERE bucket = ?"
	                     " AND subject = ? AND at > ?",
	                 CRS_PARAMS(CRS_P_STR(bucket), CRS_P_STR(subject),
	                            CRS_P_STR(since)), &r, NULL);

	if (rc)
		return rc;
	*hits = 0;
	if (rows_next(r) && rows_int(r, 0, hits))
		*hits = 0;
	rows_free(r);
	return CRS_OK;
}

int rate_hit(struct crs_db *db, const char *bucket, const char *subject,
             int64_t window_ms, int64_t limit)
{
	char now[24], since[24], until[24];
	int64_t t = clock_now_ms(), hits;
	int rc;

	if (!name_ok(bucket, 32) || !name_ok(subject, 64) || window_ms <= 0)
		return CRS_EINVAL;
	clock_sql_datetime(t, now);
	clock_sql_datetime(t - window_ms, since);
	clock_sql_datetime(t + window_ms, until);
	/* The subject's row is the lock: hits of one subject count in turn. */
	rc = db_exec(db, "INSERT INTO rate_subject (bucket, subject, expires_at)"
	                 " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE"
	                 " expires_at = GREATEST(expires_at, VALUES(expires_at))",
	             CRS_PARAMS(CRS_P_STR(bucket), CRS_P_STR(subject), CRS_P_STR(until)),
	             NULL, NULL);
	if (rc == CRS_OK)
		rc = hits_since(db, bucket, subject, since, &hits);
	if (rc)
		return rc;
	if (hits >= limit)
		return CRS_ELIMIT;
	return db_exec(db, "INSERT INTO rate_event (bucket, subject, at, expires_at)"
	                   " VALUES (?, ?, ?, ?)",
	               CRS_PARAMS(CRS_P_STR(bucket), CRS_P_STR(subject), CRS_P_STR(now),
	                          CRS_P_STR(until)), NULL, NULL);
}

int rate_check(struct crs_db *db, const char *bucket, const char *subject,
               int64_t window_ms, int64_t limit)
{
	char since[24];
	int64_t hits;
	int rc;

	if (!name_ok(bucket, 32) || !name_ok(subject, 64) || window_ms <= 0)
		return CRS_EINVAL;
	clock_sql_datetime(clock_now_ms() - window_ms, since);
	rc = hits_since(db, bucket, subject, since, &hits);
	if (rc)
		return rc;
	return hits >= limit ? CRS_ELIMIT : CRS_OK;
}

void rate_sweep(void *unused, void *arg)
{
	int64_t now = clock_now_ms();

	(void)unused;
	(void)arg;
	db_sweep("DELETE FROM rate_event WHERE expires_at < ? LIMIT 1000", now);
	db_sweep("DELETE FROM rate_subject WHERE expires_at < ? LIMIT 1000", now);
}
