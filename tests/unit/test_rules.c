/*
 * Unit tests of the registration rules: nearness and the office ranking of
 * SPEC §3.4 (the routing table and the operations matrix are the core's:
 * tests/unit/test_life.c).
 */
#include "rules.h"
#include "unit.h"

#include <string.h>

static void test_distance(void)
{
	CHECK_EQ_INT(phone_distance("33445566", "33440000"), 0);
	CHECK_EQ_INT(phone_distance("33445566", "33500000"), 6);
	CHECK_EQ_INT(phone_distance("22001234", "88001234"), 6600);
	CHECK_EQ_INT(phone_distance("123", "33440000"), -1);
	CHECK_EQ_INT(phone_distance("12a45678", "33440000"), -1);
}

static struct office_row row(int64_t id, int shift, int cap, int free, int dist)
{
	struct office_row r = { .office_id = id, .shift = shift, .capacity = cap,
	                        .free = free, .distance = dist };

	return r;
}

static void test_ranking(void)
{
	/* SPEC's example: 20 approved with 10 free (50 %) comes before 45
	 * approved with 15 free (33 %), even when farther. */
	struct office_row rows[] = {
		row(1, 0, 45, 15, 0),
		row(2, 0, 20, 10, 50),
	};
	size_t n = rank_office_rows(rows, 2, 10);

	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(rows[0].office_id, 2);
	CHECK_EQ_INT(rows[1].office_id, 1);

	/* Ties by nearness, then office id. */
	struct office_row tie[] = {
		row(9, 0, 10, 5, 3),
		row(4, 0, 20, 10, 3),
		row(7, 0, 40, 20, 1),
	};
	n = rank_office_rows(tie, 3, 10);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(tie[0].office_id, 7);
	CHECK_EQ_INT(tie[1].office_id, 4);
	CHECK_EQ_INT(tie[2].office_id, 9);

	/* Only the nearest `keep` offices with a free place are kept; both
	 * shifts of a kept office stay (a full shift goes last). */
	struct office_row many[] = {
		row(1, 0, 10, 0, 5), row(1, 1, 10, 0, 5),      /* full: skipped */
		row(2, 0, 10, 1, 9), row(2, 1, 10, 0, 9),
		row(3, 0, 10, 9, 100), row(3, 1, 10, 9, 100),  /* too far */
		row(4, 0, 10, 2, 1), row(4, 1, 10, 5, 1),
	};
	n = rank_office_rows(many, 8, 2);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_INT(many[0].office_id, 4);
	CHECK_EQ_INT(many[0].shift, 1);            /* 50 % */
	CHECK_EQ_INT(many[1].office_id, 4);        /* 20 % */
	CHECK_EQ_INT(many[2].office_id, 2);        /* 10 % */
	CHECK_EQ_INT(many[3].office_id, 2);        /* 0 %: the full evening */
	CHECK_EQ_INT(many[3].free, 0);
	for (size_t i = 0; i < n; i++)
		CHECK(many[i].office_id != 3 && many[i].office_id != 1);
}

int main(void)
{

	test_distance();
	test_ranking();
	return unit_done();
}
