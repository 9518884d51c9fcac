/*
 * admin: the table of the core's own routes.  On the admin listener (bearer
 * admin token): modules (list, enable, disable, reload, load), health,
 * Prometheus metrics, bearer token issue, and the test clock.  On the public
 * listener: the captcha and the payments (payments.c).
 */
#ifndef CRS_ADMIN_H
#define CRS_ADMIN_H

#include <crs/plugin.h>
#include <stddef.h>

extern const struct crs_route core_routes[];
extern const size_t n_core_routes;

#endif
