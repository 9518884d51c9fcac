/*
 * lifecycle: audited application moves (see lifecycle.h).
 */
#include "config.h"

#include "lifecycle.h"
#include "clock.h"
#include "db.h"
#include "life.h"
#include "request.h"

#include <stdio.h>
#include <string.h>

/* Who the request is: a bearer principal, a citizen session, or (no
 * request) the system. */
static enum life_actor actor_of(const struct crs_req *req, const char **kind,
                                char *id, size_t idsz, const char **role)
{
	const char *r = req ? req->principal.role : NULL;

	*role = NULL;
	id[0] = '\0';
	if (!req) {
		*kind = "system";
		return LIFE_SYSTEM;
	}
	if (r) {
		*role = r;
		if (req->principal.token_id)
			snprintf(id, idsz, "token:%lld", (long long)req->principal.token_id);
		*kind = !strcmp(r, "office") ? "office" : !strcmp(r, "registry") ? "registry"
		        : !strcmp(r, "admin") ? "admin" : "subsidy";
		return !strcmp(r, "office") ? LIFE_OFFICE : !strcmp(r, "registry")
		       ? LIFE_REGISTRY : !strcmp(r, "admin") ? LIFE_ADMIN : 0;
	}
	if (req->session_key) {
		/* The session, not the person: the application says who. */
		snprintf(id, idsz, "session:%.16s", req->session_key);
		*kind = "citizen";
		return LIFE_CITIZEN;
	}
	*kind = "system";
	return LIFE_SYSTEM;
}

int lifecycle_move(struct crs_db *db, const struct crs_life_move *m,
                   enum crs_stage *to, const char **reason)
{
	const char *kind, *role, *why = NULL;
	char id[64], now[24];
	enum life_actor actor;
	enum crs_stage next;
	int rc;

	if (!m || m->struct_size < CRS_SIZE_THROUGH(struct crs_life_move, detail) ||
	    m->application_id <= 0)
		return CRS_EINVAL;
	actor = actor_of(m->req, &kind, id, sizeof(id), &role);
	if (!m->req && m->system_actor)
		snprintf(id, sizeof(id), "%s", m->system_actor);
	rc = life_decide(m->from, m->event, actor, &next, &why);
	if (rc) {
		if (reason)
			*reason = why;
		return rc;
	}
	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, "INSERT INTO application_event (application_id, from_stage,"
	                 " to_stage, event, actor_kind, actor_id, actor_role, at,"
	                 " request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	             CRS_PARAMS(CRS_P_INT(m->application_id),
	                        CRS_P_STR(life_stage_name(m->from)),
	                        CRS_P_STR(life_stage_name(next)),
	                        CRS_P_STR(life_event_name(m->event)), CRS_P_STR(kind),
	                        id[0] ? CRS_P_STR(id) : CRS_P_NULL, CRS_P_STR(role),
	                        CRS_P_STR(now), m->req ? CRS_P_STR(m->req->id) : CRS_P_NULL,
	                        CRS_P_STR(m->detail)),
	             NULL, NULL);
	if (rc == CRS_OK && to)
		*to = next;
	return rc;
}
