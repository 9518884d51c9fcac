/*
 * stats_snapshot: the figures of past days and the eligible citizens,
 * written by a background timer, never on a request.  After a Tehran day
 * ends, its snapshot (stats_daily, marked in stats_day) is the live counts
 * minus the moves since its midnight (application_event by instant), so it
 * is exact however late the timer runs.  The eligible citizens of a day
 * (alive on it, 15 or older by the Jalali calendar) are counted once per
 * day from the registry (stats_eligible).  The recount compares the live
 * counts with the applications themselves and, asked to, repairs them.
 */
#ifndef CRS_STATS_SNAPSHOT_H
#define CRS_STATS_SNAPSHOT_H

#include <crs/plugin.h>
#include <stdint.h>

/* Core timer (every minute of the core clock): today's eligible count
 * when missing, and the snapshot of every finished day since the last
 * (yesterday only on a new database). */
void stats_tick(void *unused, void *arg);

/* Write day jdn's snapshot and eligible count unless they exist. */
int stats_snapshot_day(int32_t jdn);
/* Count the eligible of day jdn anew (replacing the stored count). */
int stats_count_eligible(int32_t jdn);

/* POST /admin/v1/stats/verify {"repair":bool}: recount. */
int stats_verify_handle(struct crs_req *req, void *unused);

#endif
