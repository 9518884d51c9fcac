/*
 * trk: the tracking plugin's instance (its configuration, read-only after
 * init) and what its route modules share: finding the application a
 * request names and deciding whether the caller's token reaches it.
 */
#ifndef TRK_TRK_H
#define TRK_TRK_H

#include <crs/plugin.h>
#include <stdint.h>

struct trk {
	const struct crs_api *api;
	struct crs_plugin_ctx *pctx;
};

/* What an office or registry token may do with an application. */
enum trk_reach {
	TRK_REACH_APPOINTMENT = 1,   /* its appointment is at the token's office */
	TRK_REACH_DELIVERY = 2,      /* its card is collected at the token's office */
	TRK_REACH_REGISTRY = 4       /* the card issuing centre: every application */
};

unsigned trk_reach(const struct crs_principal *p, const struct crs_app *a);

/* The application named by the route's {tracking_code}: CRS_OK, or
 * CRS_EREFUSED with the request answered (404 TRACKING_NOT_FOUND, 403
 * FORBIDDEN when the token reaches it in none of the ways of need, 503):
 * the handler then returns CRS_HANDLED. */
int trk_load(struct trk *t, struct crs_db *db, struct crs_req *req, int for_update,
             unsigned need, struct crs_app *a);

#endif
