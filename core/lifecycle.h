/*
 * lifecycle: the audited moves of applications (crs_api.life_move,
 * life_begin).  The rules of life.h decide; a move then changes the
 * application's stage, writes its row of application_event (application,
 * from, to, event, actor kind, token id and role or the citizen's session,
 * instant, request id) and moves its count in life_count, all in the
 * caller's transaction: a move, its record and the figures commit or roll
 * back together.
 */
#ifndef CRS_LIFECYCLE_H
#define CRS_LIFECYCLE_H

#include <crs/plugin.h>

/* Counts are split over this many rows per city and stage. */
#define LIFE_SHARDS 16
#define LIFE_SHARDS_SQL "16"

/* Add one application to its city's count at its stage: parameter the
 * application id.  Shared with crs-import, which writes applications
 * without crsd. */
#define LIFE_SQL_COUNT_NEW \
	"INSERT INTO life_count (city_code, stage, shard, n)" \
	" SELECT city_code, stage, id % " LIFE_SHARDS_SQL ", 1 FROM application WHERE id = ?" \
	" ON DUPLICATE KEY UPDATE n = n + 1"
/* Its audit row: parameters actor kind, actor id, instant, request id,
 * detail, application id. */
#define LIFE_SQL_EVENT_NEW \
	"INSERT INTO application_event (application_id, from_stage, to_stage, event," \
	" actor_kind, actor_id, actor_role, at, request_id, detail)" \
	" SELECT id, '', stage, 'created', ?, ?, NULL, ?, ?, ? FROM application" \
	" WHERE id = ?"

int lifecycle_move(struct crs_db *db, const struct crs_life_move *m,
                   enum crs_stage *to, const char **reason);
int lifecycle_begin(struct crs_db *db, int64_t application_id, struct crs_req *req,
                    const char *system_actor);

#endif
