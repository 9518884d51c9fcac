/*
 * ratelimit: counted limits kept in the database, so that every crsd behind
 * the upstream sees the same count (failed logins per national ID, receipt
 * e-mails per application, tracking-code recoveries per day…).  Sliding
 * windows, exact: "at most limit hits in any window_ms", on the core clock
 * (so the test clock moves them too).  A refused hit is not counted, so a
 * subject that keeps trying is free again window_ms after its last
 * accepted hit.
 */
#ifndef CRS_RATELIMIT_H
#define CRS_RATELIMIT_H

#include <crs/plugin.h>
#include <stdint.h>

/* Count one hit of subject in bucket if fewer than limit were counted in
 * the last window_ms: CRS_OK (counted), CRS_ELIMIT (refused, not counted),
 * CRS_EINVAL (bucket or subject not [A-Za-z0-9_.:-], at most 32 and 64
 * characters), or a database error.  Exact inside a transaction (db_tx: the
 * subject's row is locked until it ends, and a rollback undoes the hit); on
 * an autocommit connection concurrent hits may pass together. */
int rate_hit(struct crs_db *db, const char *bucket, const char *subject,
             int64_t window_ms, int64_t limit);
/* CRS_ELIMIT when limit hits were counted in the last window_ms, without
 * counting; else CRS_OK (or an error as above). */
int rate_check(struct crs_db *db, const char *bucket, const char *subject,
               int64_t window_ms, int64_t limit);

/* Core timer: delete what no window counts any more (bounded batches). */
void rate_sweep(void *unused, void *arg);

#endif
