/*
 * tokens: bearer tokens for offices, registry operators and the subsidy
 * organisation (table api_token, stored as SHA-256, shown once): issue with
 * an optional expiry, list, revoke.  auth.c checks them on every bearer
 * route; a revoked or expired token is 401 TOKEN_INVALID.
 */
#ifndef CRS_TOKENS_H
#define CRS_TOKENS_H

#include <crs/plugin.h>

/* Admin routes: POST /admin/v1/tokens, GET /admin/v1/tokens,
 * POST /admin/v1/tokens/{id}/revoke. */
int tokens_issue_handle(struct crs_req *req, void *unused);
int tokens_list_handle(struct crs_req *req, void *unused);
int tokens_revoke_handle(struct crs_req *req, void *unused);

/* 1 when role is one a token can carry. */
int tokens_role_known(const char *role);

#endif
