/*
 * Unit tests for core/hijri.c: the tabular islamic-civil calendar (dates
 * checked against ICU 72's islamic-civil, which agrees on every day of
 * 1..2000 AH), the override table of announced month starts, the five
 * options around a birth date, parsing and formatting.
 */
#include "unit.h"

#include "hijri.h"
#include "jalali.h"

#include <stdint.h>
#include <string.h>

static int32_t greg(int y, int m, int d)
{
	int32_t jdn = 0;

	jalali_gregorian_to_jdn(y, m, d, &jdn);
	return jdn;
}

static int32_t solar(int y, int m, int d)
{
	struct jalali_date j = {y, m, d};
	int32_t jdn = 0;

	jalali_to_jdn(&j, &jdn);
	return jdn;
}

static int date_is(const struct hijri_date *h, int y, int m, int d)
{
	if (h->year != y || h->month != m || h->day != d) {
		unit_note("got %d/%d/%d, want %d/%d/%d", h->year, h->month,
			  h->day, y, m, d);
		return 0;
	}
	return 1;
}

/* Day jdn is (y, m, d) with table ov, and back. */
static int day_is(int32_t jdn, const struct hijri_month_start *ov, size_t n,
		  int y, int m, int d)
{
	struct hijri_date h = {0, 0, 0}, want = {y, m, d};
	int32_t back = 0;

	if (hijri_from_jdn(jdn, ov, n, &h) != 0 || !date_is(&h, y, m, d))
		return 0;
	if (hijri_to_jdn(&want, ov, n, &back) != 0 || back != jdn) {
		unit_note("%d/%d/%d -> jdn %d, want %d", y, m, d, (int)back,
			  (int)jdn);
		return 0;
	}
	return 1;
}

/*
 * Month starts shaped like Iran's calendar for 1403 SH, where the holidays
 * put 10 Muharram 1446 (Ashura) on 26 Tir (2024-07-16) and 20 Safar
 * (Arbaeen) on 4 Shahrivar (2024-08-25): Muharram began a day before the
 * tabular rule says.
 */
static const struct hijri_month_start iran[] = {
	{1445, 12, 2460470}, /* 2024-06-08, as tabular */
	{1446, 1, 2460499},  /* 2024-07-07, tabular 07-08 */
	{1446, 2, 2460529},  /* 2024-08-06, tabular 08-07 */
	{1446, 3, 2460559},  /* 2024-09-05, as tabular */
};
#define NIRAN (sizeof(iran) / sizeof(iran[0]))

static void test_tabular(void)
{
	struct hijri_date h;
	int y, leaps = 0;

	CHECK(day_is(HIJRI_EPOCH_JDN, NULL, 0, 1, 1, 1));
	CHECK_EQ_INT(jalali_weekday(HIJRI_EPOCH_JDN), 6); /* a Friday */
	CHECK(day_is(greg(2024, 7, 8), NULL, 0, 1446, 1, 1));
	CHECK(day_is(greg(2024, 7, 7), NULL, 0, 1445, 12, 30));
	CHECK(day_is(greg(2023, 7, 19), NULL, 0, 1445, 1, 1));
	CHECK(day_is(greg(2024, 3, 11), NULL, 0, 1445, 9, 1));
	CHECK(day_is(greg(2025, 3, 30), NULL, 0, 1446, 9, 30));
	CHECK(day_is(greg(2025, 3, 31), NULL, 0, 1446, 10, 1));
	CHECK(day_is(greg(2025, 6, 26), NULL, 0, 1446, 12, 29));
	CHECK(day_is(greg(2025, 6, 27), NULL, 0, 1447, 1, 1));
	/* The manual's citizen: 1369/03/19 is 15 Dhu al-Qa'da 1410. */
	CHECK(day_is(solar(1369, 3, 19), NULL, 0, 1410, 11, 15));

	/* Leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29 of 30. */
	for (y = 1; y <= 30; y++)
		leaps += hijri_is_leap(y) ? 1 << y : 0;
	CHECK_EQ_INT(leaps, (1 << 2) | (1 << 5) | (1 << 7) | (1 << 10) |
				    (1 << 13) | (1 << 16) | (1 << 18) |
				    (1 << 21) | (1 << 24) | (1 << 26) |
				    (1 << 29));
	CHECK(hijri_is_leap(1445));
	CHECK(!hijri_is_leap(1446));
	CHECK(!hijri_is_leap(0));
	CHECK_EQ_INT(hijri_month_length(1445, 12, NULL, 0), 30);
	CHECK_EQ_INT(hijri_month_length(1446, 12, NULL, 0), 29);
	CHECK_EQ_INT(hijri_month_length(1446, 1, NULL, 0), 30);
	CHECK_EQ_INT(hijri_month_length(1446, 2, NULL, 0), 29);
	CHECK_EQ_INT(hijri_month_length(1446, 13, NULL, 0), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_month_length(0, 1, NULL, 0), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_from_jdn(0, NULL, 0, &h), HIJRI_ERANGE);
	CHECK_EQ_INT(hijri_from_jdn(HIJRI_EPOCH_JDN - 1, NULL, 0, &h),
		     HIJRI_ERANGE);
}

/* Every day of 1300..1500 AH, with and without the table, round-trips and
 * the days are consecutive. */
static void test_every_day(void)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const struct hijri_month_start *ov = pass ? iran : NULL;
		size_t n = pass ? NIRAN : 0;
		struct hijri_date first = {1300, 1, 1};
		int32_t prev = 0;
		int y, m, d, bad = 0, days = 0;

		hijri_to_jdn(&first, ov, n, &prev);
		prev--;
		for (y = 1300; y <= 1500; y++) {
			for (m = 1; m <= 12; m++) {
				int len = hijri_month_length(y, m, ov, n);

				for (d = 1; d <= len; d++) {
					struct hijri_date h = {y, m, d}, back;
					int32_t jdn = 0;

					days++;
					if (hijri_to_jdn(&h, ov, n,
							 &jdn) != 0 ||
					    jdn != prev + 1 ||
					    hijri_from_jdn(jdn, ov, n,
							   &back) != 0 ||
					    back.year != y || back.month != m ||
					    back.day != d) {
						if (bad++ == 0)
							unit_note("%d/%d/%d", y,
								  m, d);
					}
					prev = jdn;
				}
			}
		}
		CHECKF(bad == 0, "every day of 1300..1500 AH %s (%d days)",
		       pass ? "with the table" : "tabular", days);
	}
}

static void test_overrides(void)
{
	struct hijri_date h;

	CHECK_EQ_INT(hijri_overrides_check(iran, NIRAN, NULL), HIJRI_OK);
	/* The table moves Muharram and Safar 1446 a day earlier. */
	CHECK(day_is(greg(2024, 7, 7), iran, NIRAN, 1446, 1, 1));
	CHECK(day_is(greg(2024, 7, 6), iran, NIRAN, 1445, 12, 29));
	CHECK(day_is(greg(2024, 7, 16), iran, NIRAN, 1446, 1, 10));
	CHECK(day_is(greg(2024, 8, 5), iran, NIRAN, 1446, 1, 30));
	CHECK(day_is(greg(2024, 8, 6), iran, NIRAN, 1446, 2, 1));
	CHECK(day_is(greg(2024, 8, 25), iran, NIRAN, 1446, 2, 20));
	CHECK(day_is(greg(2024, 9, 4), iran, NIRAN, 1446, 2, 30));
	CHECK(day_is(greg(2024, 9, 5), iran, NIRAN, 1446, 3, 1));
	/* Tabular says otherwise for the same days. */
	CHECK(day_is(greg(2024, 8, 25), NULL, 0, 1446, 2, 19));
	CHECK(day_is(greg(2024, 9, 4), NULL, 0, 1446, 2, 29));
	/* Lengths follow the table. */
	CHECK_EQ_INT(hijri_month_length(1445, 12, iran, NIRAN), 29);
	CHECK_EQ_INT(hijri_month_length(1446, 1, iran, NIRAN), 30);
	CHECK_EQ_INT(hijri_month_length(1446, 2, iran, NIRAN), 30);
	CHECK_EQ_INT(hijri_month_length(1446, 3, iran, NIRAN), 30);
	{
		struct hijri_date d30 = {1445, 12, 30};
		struct hijri_date s30 = {1446, 2, 30};

		CHECK(!hijri_valid(&d30, iran, NIRAN));
		CHECK(hijri_valid(&d30, NULL, 0));
		CHECK(hijri_valid(&s30, iran, NIRAN));
		CHECK(!hijri_valid(&s30, NULL, 0));
	}
	/* Far from the table nothing changes. */
	CHECK(day_is(greg(2025, 3, 31), iran, NIRAN, 1446, 10, 1));
	CHECK(day_is(solar(1369, 3, 19), iran, NIRAN, 1410, 11, 15));

	/*
	 * A table edge: only Muharram 1446 listed.  Dhu al-Hijja 1445 ends
	 * where the table begins (29 days) and Muharram runs to the tabular
	 * start of Safar: 31 days, as documented.
	 */
	{
		const struct hijri_month_start one[] = {{1446, 1, 2460499}};
		struct hijri_date d31 = {1446, 1, 31};

		CHECK_EQ_INT(hijri_month_length(1445, 12, one, 1), 29);
		CHECK_EQ_INT(hijri_month_length(1446, 1, one, 1), 31);
		CHECK(hijri_valid(&d31, one, 1));
		CHECK(day_is(greg(2024, 8, 6), one, 1, 1446, 1, 31));
		CHECK(day_is(greg(2024, 8, 7), one, 1, 1446, 2, 1));
	}
	/* A table with a gap: each run is honoured. */
	{
		const struct hijri_month_start gap[] = {
			{1446, 1, 2460499}, {1446, 9, 2460737}
		};

		CHECK_EQ_INT(hijri_overrides_check(gap, 2, NULL), HIJRI_OK);
		/* Ramadan a day late: tabular Sha'ban gets a 30th day. */
		CHECK(day_is(2460737, gap, 2, 1446, 9, 1));
		CHECK(day_is(2460736, gap, 2, 1446, 8, 30));
		CHECK(hijri_from_jdn(2460499, gap, 2, &h) == 0 &&
		      date_is(&h, 1446, 1, 1));
	}
}

static void test_bad_tables(void)
{
	struct hijri_date h = {1446, 1, 1};
	int32_t jdn;
	size_t bad = 99;

	{
		const struct hijri_month_start t[] = {
			{1446, 2, 2460529}, {1446, 1, 2460499}
		};
		struct hijri_date opts[HIJRI_OPTIONS];

		CHECK(hijri_overrides_check(t, 2, &bad) == HIJRI_ETABLE &&
		      bad == 1);
		CHECK_EQ_INT(hijri_from_jdn(2460499, t, 2, &h), HIJRI_ETABLE);
		CHECK_EQ_INT(hijri_to_jdn(&h, t, 2, &jdn), HIJRI_ETABLE);
		CHECK_EQ_INT(hijri_options(2460499, t, 2, opts), HIJRI_ETABLE);
		CHECK_EQ_INT(hijri_month_length(1446, 1, t, 2), HIJRI_ETABLE);
		CHECK(!hijri_valid(&h, t, 2));
	}
	{
		const struct hijri_month_start t[] = {
			{1446, 1, 2460499}, {1446, 1, 2460499}
		};
		CHECK(hijri_overrides_check(t, 2, &bad) == HIJRI_ETABLE &&
		      bad == 1);
	}
	{
		/* 31 days between consecutive months. */
		const struct hijri_month_start t[] = {
			{1446, 1, 2460499}, {1446, 2, 2460530}
		};
		CHECK(hijri_overrides_check(t, 2, &bad) == HIJRI_ETABLE &&
		      bad == 1);
	}
	{
		/* 28 days. */
		const struct hijri_month_start t[] = {
			{1446, 1, 2460499}, {1446, 2, 2460527}
		};
		CHECK(hijri_overrides_check(t, 2, &bad) == HIJRI_ETABLE &&
		      bad == 1);
	}
	{
		/* A mistyped year: far from its tabular start. */
		const struct hijri_month_start t[] = {{1445, 1, 2460499}};
		CHECK(hijri_overrides_check(t, 1, &bad) == HIJRI_ETABLE &&
		      bad == 0);
	}
	{
		const struct hijri_month_start t[] = {
			{1446, 1, 2460500 + HIJRI_MAX_SHIFT},
			{1446, 2, 2460500 + HIJRI_MAX_SHIFT + 30}
		};
		CHECK_EQ_INT(hijri_overrides_check(t, 2, NULL), HIJRI_OK);
	}
	{
		const struct hijri_month_start t[] = {
			{1446, 1, 2460500 + HIJRI_MAX_SHIFT + 1}
		};
		CHECK_EQ_INT(hijri_overrides_check(t, 1, NULL), HIJRI_ETABLE);
	}
	{
		const struct hijri_month_start t[] = {{1446, 13, 2460499}};
		CHECK_EQ_INT(hijri_overrides_check(t, 1, NULL), HIJRI_ETABLE);
	}
	{
		const struct hijri_month_start t[] = {{0, 1, 1948440}};
		CHECK_EQ_INT(hijri_overrides_check(t, 1, NULL), HIJRI_ETABLE);
	}
	CHECK_EQ_INT(hijri_overrides_check(NULL, 0, NULL), HIJRI_OK);
	CHECK_EQ_INT(hijri_overrides_check(NULL, 3, NULL), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_from_jdn(2460499, NULL, 3, &h), HIJRI_EINVAL);
}

static void test_options(void)
{
	struct hijri_date o[HIJRI_OPTIONS];

	/* The manual's citizen, tabular. */
	CHECK_EQ_INT(hijri_options(solar(1369, 3, 19), NULL, 0, o), 0);
	CHECK(date_is(&o[0], 1410, 11, 13));
	CHECK(date_is(&o[1], 1410, 11, 14));
	CHECK(date_is(&o[2], 1410, 11, 15));
	CHECK(date_is(&o[3], 1410, 11, 16));
	CHECK(date_is(&o[4], 1410, 11, 17));
	/* Across a month and a year end, with the table. */
	CHECK_EQ_INT(hijri_options(greg(2024, 7, 8), iran, NIRAN, o), 0);
	CHECK(date_is(&o[0], 1445, 12, 29));
	CHECK(date_is(&o[1], 1446, 1, 1));
	CHECK(date_is(&o[2], 1446, 1, 2));
	CHECK(date_is(&o[3], 1446, 1, 3));
	CHECK(date_is(&o[4], 1446, 1, 4));
	/* The same day without the table. */
	CHECK_EQ_INT(hijri_options(greg(2024, 7, 8), NULL, 0, o), 0);
	CHECK(date_is(&o[1], 1445, 12, 30));
	CHECK(date_is(&o[2], 1446, 1, 1));
	CHECK_EQ_INT(hijri_options(HIJRI_EPOCH_JDN, NULL, 0, o), HIJRI_ERANGE);
	CHECK_EQ_INT(hijri_options(solar(1369, 3, 19), NULL, 0, NULL),
		     HIJRI_EINVAL);
}

static void test_text(void)
{
	struct hijri_date h = {0, 0, 0};
	struct hijri_date d = {1410, 11, 15};
	char out[64];

	CHECK(hijri_parse("1410/11/15", &h) == 0 && date_is(&h, 1410, 11, 15));
	CHECK(hijri_parse("۱۴۱۰/۱۱/۱۵", &h) == 0 && date_is(&h, 1410, 11, 15));
	CHECK(hijri_parse("١٤٤٦/١/٣٠", &h) == 0 && date_is(&h, 1446, 1, 30));
	CHECK(hijri_parse(" 1446/1/1 ", &h) == 0 && date_is(&h, 1446, 1, 1));
	CHECK_EQ_INT(hijri_parse("1410/13/01", &h), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_parse("1410/11/31", &h), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_parse("1410/11/00", &h), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_parse("0000/01/01", &h), HIJRI_EINVAL);
	CHECK_EQ_INT(hijri_parse("15 ذیقعده 1410", &h), HIJRI_EPARSE);
	CHECK_EQ_INT(hijri_parse("1410-11-15", &h), HIJRI_EPARSE);
	CHECK_EQ_INT(hijri_parse("", &h), HIJRI_EPARSE);
	CHECK_EQ_INT(hijri_parse(NULL, &h), HIJRI_EPARSE);

	CHECK_EQ_INT(hijri_format(&d, out, sizeof(out)), 0);
	CHECK_STR(out, "1410/11/15");
	CHECK_EQ_INT(hijri_format(&d, out, HIJRI_FMT_SIZE), 0);
	CHECK_EQ_INT(hijri_format(&d, out, HIJRI_FMT_SIZE - 1),
		     HIJRI_ENOSPACE);
	{
		struct hijri_date m1 = {1446, 1, 1};

		CHECK_EQ_INT(hijri_format(&m1, out, sizeof(out)), 0);
		CHECK_STR(out, "1446/01/01");
	}
	CHECK_EQ_INT(hijri_format_fa_long(&d, out, sizeof(out)), 0);
	CHECK_STR(out, "۱۵ ذی\u200cالقعده ۱۴۱۰");
	{
		/* The longest: two-digit day, longest month name. */
		struct hijri_date l = {1446, 6, 30};

		CHECK_EQ_INT(hijri_format_fa_long(&l, out,
						  HIJRI_FMT_FA_LONG_SIZE), 0);
		CHECK_STR(out, "۳۰ جمادی\u200cالثانی ۱۴۴۶");
	}
	{
		struct hijri_date bad = {1446, 13, 1};

		CHECK_EQ_INT(hijri_format(&bad, out, sizeof(out)),
			     HIJRI_EINVAL);
		CHECK_EQ_INT(hijri_format_fa_long(&bad, out, sizeof(out)),
			     HIJRI_EINVAL);
	}
	CHECK_STR(hijri_month_name(1), "محرم");
	CHECK_STR(hijri_month_name(3), "ربیع\u200cالاول");
	CHECK_STR(hijri_month_name(9), "رمضان");
	CHECK_STR(hijri_month_name(12), "ذی\u200cالحجه");
	CHECK(hijri_month_name(0) == NULL);
	CHECK(hijri_month_name(13) == NULL);
}

int main(void)
{
	test_tabular();
	test_every_day();
	test_overrides();
	test_bad_tables();
	test_options();
	test_text();
	return unit_done();
}
