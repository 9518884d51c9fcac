/*
 * rules: the pure decisions of registration (SPEC §3.1, §3.4, §3.7): where
 * a citizen goes next, which operations an application allows, and the
 * order of the office rows.  No I/O; unit-tested in tests/unit/test_rules.c.
 */
#ifndef REG_RULES_H
#define REG_RULES_H

#include <stddef.h>
#include <stdint.h>

/* The application stages, in order of progress (the values are compared). */
enum stage {
	STAGE_ENTERED = 0,
	STAGE_DETAILS_DONE,
	STAGE_RESERVED,
	STAGE_PAID,
	STAGE_PAID_NO_SLOT,
	STAGE_COMPLETION_STARTED,
	STAGE_COMPLETION_DONE,
	STAGE_PRODUCTION_STARTED,
	STAGE_CARD_READY,
	STAGE_DELIVERED,
	STAGE_COUNT
};

const char *stage_name(enum stage s);
/* -1 when unknown. */
int stage_parse(const char *s);

enum next_page {
	NEXT_DETAILS,
	NEXT_APPOINTMENT,
	NEXT_CONFIRM,
	NEXT_RECEIPT,
	NEXT_STATUS
};

const char *next_name(enum next_page n);

/* What the first page's routing table needs to know of an application. */
struct app_facts {
	enum stage stage;
	int details_complete;    /* the six personal details are in */
	int needs_complete;      /* the four questions are answered */
	int paid;                /* a verified payment exists */
};

enum next_page next_page(const struct app_facts *f);

/* Operations of SPEC §3.7, as bits. */
enum operation {
	OP_PRINT_RECEIPT = 1 << 0,
	OP_SAVE_RECEIPT = 1 << 1,
	OP_EMAIL_RECEIPT = 1 << 2,
	OP_EDIT_DETAILS = 1 << 3,
	OP_CHANGE_MOBILE = 1 << 4,
	OP_CHANGE_APPOINTMENT = 1 << 5,
	OP_CHANGE_DELIVERY_OFFICE = 1 << 6
};
#define OP_COUNT 7

unsigned allowed_operations(const struct app_facts *f);
/* The API name of operation bit i (0..OP_COUNT-1). */
const char *operation_name(unsigned i);

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
