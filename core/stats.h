/*
 * stats: the figures of seed 003 per province and city code, now or at
 * the end of a past day (GET /admin/v1/stats): eligible citizens,
 * applications, completed registrations, cards in production, ready at
 * offices, delivered, the delivered share of the eligible, and the
 * offices' daily intake capacity.  Read from the counts the lifecycle
 * keeps (life_count), the daily snapshots and the eligible counts
 * (stats_snapshot.h): small tables, never the citizens' own.
 */
#ifndef CRS_STATS_H
#define CRS_STATS_H

#include <crs/plugin.h>

int stats_handle(struct crs_req *req, void *unused);

#endif
