/*
 * auth: who is calling.  Citizen sessions (DB-backed, cookie crs_session,
 * new id at every login, 20-minute idle timeout, CSRF token checked on
 * state-changing requests) and bearer tokens (office, registry, subsidy:
 * stored as SHA-256 in api_token; admin: its hash in the config file, so the
 * admin API works while the database is down).
 */
#ifndef CRS_AUTH_H
#define CRS_AUTH_H

#include <crs/plugin.h>

struct conf;

#define SESSION_IDLE_MS (20 * 60 * 1000)

int auth_init(const struct conf *cfg);

/* Check route's auth for req.  CRS_OK, or the refusal has been rendered
 * (CRS_EREFUSED). */
int auth_check(struct crs_req *req, const struct crs_route *route);

int session_start(struct crs_req *req, struct crs_db *db, const char *subject,
                  char *csrf, size_t csrf_size);
int session_end(struct crs_req *req);

/* Delete sessions idle for a day and spent captchas (core timer). */
void auth_sweep(void *unused, void *arg);

#endif
