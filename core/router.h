/*
 * router: matching of request paths against route templates such as
 * "/api/v1/payments/{payment_id}".  A "{name}" segment captures one
 * non-empty path segment; everything else matches literally.
 */
#ifndef CRS_ROUTER_H
#define CRS_ROUTER_H

#include "request.h"

/* 1 if path matches tmpl; captures go into req->params (arena). */
int router_match(struct crs_req *req, const char *tmpl, const char *path);
/* 1 if the template's path is served on the admin listener. */
int router_is_admin_path(const char *tmpl);
/* 1 if two templates can match the same path. */
int router_overlap(const char *a, const char *b);

#endif
