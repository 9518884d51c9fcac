/*
 * rules: the pure decisions of registration's office search (SPEC §3.4):
 * nearness by landline and the order of the office rows.  (Where a citizen
 * goes next and what an application allows are the core's lifecycle.)  No
 * I/O; unit-tested in tests/unit/test_rules.c.
 */
#ifndef REG_RULES_H
#define REG_RULES_H

#include <stddef.h>
#include <stdint.h>

/* One row of the office list (one office, one shift). */
struct office_row {
	int64_t office_id;
	int shift;               /* 0 morning, 1 evening */
	int capacity;
	int free;                /* capacity - taken, never below 0 */
	int distance;
	size_t ref;              /* the caller's, carried through the ranking */
};

/* Distance of SPEC §3.4: |first four digits of the citizen's landline -
 * first four of the office's|; -1 when a number has fewer than 4 digits. */
int phone_distance(const char *citizen, const char *office);

/*
 * SPEC §3.4: keep the nearest `keep` offices that have free capacity in some
 * shift (ties by office id), then order their rows by percentage of free
 * capacity (highest first), ties by nearness, then office id, then shift.
 * rows[n] is reordered in place; returns how many rows are kept in front.
 */
size_t rank_office_rows(struct office_row *rows, size_t n, size_t keep);

#endif
