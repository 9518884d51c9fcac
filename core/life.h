/*
 * life: the application lifecycle's rules, pure (SPEC §3.1, §3.7, §5): the
 * stages and their names, the events and which stage each leads from and
 * to and who may cause it, the operations a stage allows, and the first
 * page's routing table.  lifecycle.c records the moves; the unit tests
 * check every cell.
 */
#ifndef CRS_LIFE_H
#define CRS_LIFE_H

#include <crs/plugin.h>

/* Who causes an event. */
enum life_actor {
	LIFE_CITIZEN = 1 << 0,
	LIFE_OFFICE = 1 << 1,
	LIFE_REGISTRY = 1 << 2,
	LIFE_SYSTEM = 1 << 3,    /* payments, sweepers, jobs */
	LIFE_ADMIN = 1 << 4
};

const char *life_stage_name(enum crs_stage s);
int life_stage_parse(const char *name);
const char *life_event_name(enum crs_life_event e);
const char *life_operation_name(unsigned bit_index);
const char *life_next_name(enum crs_next n);

/* Where e leads from `from` when actor causes it: CRS_OK with *to, or
 * CRS_ECONFLICT with *reason (Persian). */
int life_decide(enum crs_stage from, enum crs_life_event e, enum life_actor actor,
                enum crs_stage *to, const char **reason);

unsigned life_operations(const struct crs_life_facts *f);
enum crs_next life_next(const struct crs_life_facts *f);

#endif
