/*
 * lifecycle: the audited moves of applications (crs_api.life_move): the
 * rules of life.h decide, and every move writes its row of table
 * application_event (application, from, to, event, actor kind, token id
 * and role or the citizen's session, instant, request id) in the caller's
 * transaction, so a move and its record commit or roll back together.
 */
#ifndef CRS_LIFECYCLE_H
#define CRS_LIFECYCLE_H

#include <crs/plugin.h>

int lifecycle_move(struct crs_db *db, const struct crs_life_move *m,
                   enum crs_stage *to, const char **reason);

#endif
