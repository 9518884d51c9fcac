/*
 * Unit tests of core/life.c: the first page's routing table (SPEC §3.1),
 * the operations matrix (§3.7), and every cell of the stage machine (§5):
 * each event from each stage for each kind of actor.
 */
#include "unit.h"

#include "life.h"

#include <string.h>

static struct crs_life_facts facts(enum crs_stage s, int details, int needs, int paid)
{
	struct crs_life_facts f = { sizeof(f), s, details, needs, paid };

	return f;
}

static void test_next(void)
{
	struct crs_life_facts f;

	f = facts(CRS_STAGE_ENTERED, 0, 0, 0);
	CHECK_STR(life_next_name(life_next(&f)), "details");
	f = facts(CRS_STAGE_ENTERED, 1, 0, 0);
	CHECK_STR(life_next_name(life_next(&f)), "details");
	f = facts(CRS_STAGE_DETAILS_DONE, 1, 1, 0);
	CHECK_STR(life_next_name(life_next(&f)), "appointment");
	f = facts(CRS_STAGE_RESERVED, 1, 1, 0);
	CHECK_STR(life_next_name(life_next(&f)), "confirm");
	f = facts(CRS_STAGE_PAID, 1, 1, 1);
	CHECK_STR(life_next_name(life_next(&f)), "receipt");
	f = facts(CRS_STAGE_PAID_NO_SLOT, 1, 1, 1);
	CHECK_STR(life_next_name(life_next(&f)), "appointment");
	for (int s = CRS_STAGE_COMPLETION_STARTED; s < CRS_STAGE_COUNT; s++) {
		f = facts((enum crs_stage)s, 1, 1, 1);
		CHECK_STR(life_next_name(life_next(&f)), "status");
	}
}

static void test_stage_names(void)
{
	for (int s = 0; s < CRS_STAGE_COUNT; s++)
		CHECK_EQ_INT(life_stage_parse(life_stage_name((enum crs_stage)s)), s);
	CHECK_EQ_INT(life_stage_parse("nope"), -1);
	CHECK_EQ_INT(life_stage_parse(NULL), -1);
}

static void test_operations(void)
{
	struct crs_life_facts f;
	unsigned ops;

	f = facts(CRS_STAGE_ENTERED, 0, 0, 0);
	ops = life_operations(&f);
	CHECK(ops & CRS_OP_CHANGE_MOBILE);
	CHECK(ops & CRS_OP_EDIT_DETAILS);
	CHECK(!(ops & CRS_OP_PRINT_RECEIPT));
	CHECK(!(ops & CRS_OP_CHANGE_APPOINTMENT));   /* details first */

	f = facts(CRS_STAGE_RESERVED, 1, 1, 0);
	ops = life_operations(&f);
	CHECK(ops & CRS_OP_CHANGE_APPOINTMENT);
	CHECK(!(ops & (CRS_OP_PRINT_RECEIPT | CRS_OP_SAVE_RECEIPT | CRS_OP_EMAIL_RECEIPT)));

	f = facts(CRS_STAGE_PAID, 1, 1, 1);
	ops = life_operations(&f);
	CHECK(ops & CRS_OP_PRINT_RECEIPT);
	CHECK(ops & CRS_OP_SAVE_RECEIPT);
	CHECK(ops & CRS_OP_EMAIL_RECEIPT);
	CHECK(ops & CRS_OP_EDIT_DETAILS);
	CHECK(ops & CRS_OP_CHANGE_APPOINTMENT);
	CHECK(ops & CRS_OP_CHANGE_DELIVERY_OFFICE);

	f = facts(CRS_STAGE_COMPLETION_STARTED, 1, 1, 1);
	ops = life_operations(&f);
	CHECK(!(ops & CRS_OP_EDIT_DETAILS));
	CHECK(!(ops & CRS_OP_CHANGE_APPOINTMENT));
	CHECK(ops & CRS_OP_CHANGE_DELIVERY_OFFICE);   /* production not started */
	CHECK(ops & CRS_OP_CHANGE_MOBILE);
	CHECK(ops & CRS_OP_PRINT_RECEIPT);

	f = facts(CRS_STAGE_PRODUCTION_STARTED, 1, 1, 1);
	ops = life_operations(&f);
	CHECK(!(ops & CRS_OP_CHANGE_DELIVERY_OFFICE));
	CHECK(ops & CRS_OP_CHANGE_MOBILE);

	CHECK_STR(life_operation_name(0), "print_receipt");
	CHECK_STR(life_operation_name(6), "change_delivery_office");
	CHECK(life_operation_name(7) == NULL);
}

/* Where each event goes from its one or few stages, and who may cause it. */
static const struct {
	enum crs_life_event ev;
	unsigned from;          /* bits of stages it applies at */
	enum crs_stage to;
	unsigned actors;
} expect[] = {
	{ CRS_EV_DETAILS_DONE, 1u << CRS_STAGE_ENTERED, CRS_STAGE_DETAILS_DONE,
	  LIFE_CITIZEN | LIFE_SYSTEM },
	{ CRS_EV_HOLD, 1u << CRS_STAGE_DETAILS_DONE, CRS_STAGE_RESERVED, LIFE_CITIZEN },
	{ CRS_EV_HOLD_LAPSED, 1u << CRS_STAGE_RESERVED, CRS_STAGE_DETAILS_DONE,
	  LIFE_SYSTEM | LIFE_CITIZEN },
	{ CRS_EV_PAID, 1u << CRS_STAGE_RESERVED, CRS_STAGE_PAID, LIFE_SYSTEM },
	{ CRS_EV_PAID_NO_SLOT, (1u << CRS_STAGE_ENTERED) | (1u << CRS_STAGE_DETAILS_DONE) |
	  (1u << CRS_STAGE_RESERVED), CRS_STAGE_PAID_NO_SLOT, LIFE_SYSTEM },
	{ CRS_EV_BOOK, 1u << CRS_STAGE_PAID_NO_SLOT, CRS_STAGE_PAID, LIFE_CITIZEN },
	{ CRS_EV_NO_SHOW, 1u << CRS_STAGE_PAID, CRS_STAGE_PAID_NO_SLOT, LIFE_OFFICE },
	{ CRS_EV_COMPLETION_START, 1u << CRS_STAGE_PAID, CRS_STAGE_COMPLETION_STARTED,
	  LIFE_OFFICE },
	{ CRS_EV_COMPLETION_DONE, 1u << CRS_STAGE_COMPLETION_STARTED,
	  CRS_STAGE_COMPLETION_DONE, LIFE_OFFICE },
	{ CRS_EV_PRODUCTION_START, 1u << CRS_STAGE_COMPLETION_DONE,
	  CRS_STAGE_PRODUCTION_STARTED, LIFE_REGISTRY },
	{ CRS_EV_CARD_READY, 1u << CRS_STAGE_PRODUCTION_STARTED, CRS_STAGE_CARD_READY,
	  LIFE_OFFICE },
	{ CRS_EV_DELIVERED, 1u << CRS_STAGE_CARD_READY, CRS_STAGE_DELIVERED, LIFE_OFFICE },
};

static void test_machine(void)
{
	static const enum life_actor actors[] = { LIFE_CITIZEN, LIFE_OFFICE, LIFE_REGISTRY,
	                                          LIFE_SYSTEM, LIFE_ADMIN };
	size_t e, a;
	int s, wrong = 0, cells = 0;

	CHECK_EQ_INT(sizeof(expect) / sizeof(expect[0]), CRS_EV_COUNT - 1);
	for (e = 0; e < sizeof(expect) / sizeof(expect[0]); e++)
		for (a = 0; a < sizeof(actors) / sizeof(actors[0]); a++)
			for (s = 0; s < CRS_STAGE_COUNT; s++) {
				enum crs_stage to = CRS_STAGE_COUNT;
				const char *why = NULL;
				int ok = (expect[e].from & (1u << s)) && (expect[e].actors & actors[a]);
				int rc = life_decide((enum crs_stage)s, expect[e].ev, actors[a], &to, &why);

				cells++;
				if (ok ? rc != CRS_OK || to != expect[e].to
				       : rc != CRS_ECONFLICT || !why || !strstr(why, "\xd8")) {
					if (!wrong++)
						unit_note("event %s from %s by actor %#x: rc %d to %d",
						          life_event_name(expect[e].ev),
						          life_stage_name((enum crs_stage)s),
						          actors[a], rc, to);
				}
			}
	CHECKF(wrong == 0, "every cell of the machine (%d cells, %d wrong)", cells, wrong);
	CHECK(life_decide(CRS_STAGE_PAID, (enum crs_life_event)0, LIFE_OFFICE,
	                  &(enum crs_stage){ 0 }, &(const char *){ NULL }) == CRS_ECONFLICT);
	CHECK(life_event_name(CRS_EV_COUNT) == NULL);
}

int main(void)
{
	test_next();
	test_stage_names();
	test_operations();
	test_machine();
	return unit_done();
}
