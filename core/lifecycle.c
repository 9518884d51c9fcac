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
	struct crs_exec ex;
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
	rc = db_exec(db, "UPDATE application SET stage = ?, updated_at = ?"
	                 " WHERE id = ? AND stage = ?",
	             CRS_PARAMS(CRS_P_STR(life_stage_name(next)), CRS_P_STR(now),
	                        CRS_P_INT(m->application_id),
	                        CRS_P_STR(life_stage_name(m->from))),
	             NULL, &ex);
	/* Not at `from` after all (the caller read it without its lock):
	 * the caller's transaction runs again and reads it anew. */
	if (rc == CRS_OK && ex.affected != 1)
		rc = CRS_EDB_RETRY;
	if (rc == CRS_OK)
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
	/* One statement moves the count: -1 at from, +1 at to, in the
	 * application's own city and shard. */
	if (rc == CRS_OK)
		rc = db_exec(db, "INSERT INTO life_count (city_code, stage, shard, n)"
		                 " SELECT a.city_code, s.stage, a.id % " LIFE_SHARDS_SQL ", s.d"
		                 " FROM application a JOIN (SELECT ? AS stage, -1 AS d"
		                 " UNION ALL SELECT ?, 1) s WHERE a.id = ?"
		                 " ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
		             CRS_PARAMS(CRS_P_STR(life_stage_name(m->from)),
		                        CRS_P_STR(life_stage_name(next)),
		                        CRS_P_INT(m->application_id)),
		             NULL, NULL);
	if (rc == CRS_OK && to)
		*to = next;
	return rc;
}

int lifecycle_begin(struct crs_db *db, int64_t application_id, struct crs_req *req,
                    const char *system_actor)
{
	const char *kind, *role;
	char id[64], now[24];
	struct crs_exec ex;
	int rc;

	if (application_id <= 0)
		return CRS_EINVAL;
	/* A request with neither token nor session: the citizen's first page,
	 * which begins the session after the application. */
	if (actor_of(req, &kind, id, sizeof(id), &role) == LIFE_SYSTEM && req)
		kind = "citizen";
	if (!req && system_actor)
		snprintf(id, sizeof(id), "%s", system_actor);
	clock_sql_datetime(clock_now_ms(), now);
	rc = db_exec(db, LIFE_SQL_EVENT_NEW,
	             CRS_PARAMS(CRS_P_STR(kind), id[0] ? CRS_P_STR(id) : CRS_P_NULL,
	                        CRS_P_STR(now), req ? CRS_P_STR(req->id) : CRS_P_NULL,
	                        CRS_P_NULL, CRS_P_INT(application_id)),
	             NULL, &ex);
	if (rc == CRS_OK && ex.affected != 1)
		rc = CRS_ENOTFOUND;
	if (rc == CRS_OK)
		rc = db_exec(db, LIFE_SQL_COUNT_NEW, CRS_PARAMS(CRS_P_INT(application_id)),
		             NULL, NULL);
	return rc;
}
