/*
 * Unit tests for tools/seed-gen.c: the national-ID generator, the
 * synthetic persons' shape and proportions, determinism, the demo
 * persons, the offices and the holiday calendar crs-seed writes.
 */
#include "unit.h"

#include "seed-data.h"
#include "seed-gen.h"

#include "jalali.h"
#include "nid.h"
#include "workhours.h"

#include <stdint.h>
#include <string.h>

/* 2026-11-21 16:00 Tehran (12:30 UTC), a Saturday: a fixed "now". */
#define NOW_MS (1795264200LL * 1000)
#define PERSONS 200000

static int32_t greg(int y, int m, int d)
{
	int32_t jdn = 0;

	jalali_gregorian_to_jdn(y, m, d, &jdn);
	return jdn;
}

static int32_t solar(int y, int m, int d)
{
	struct jalali_date j = { y, m, d };
	int32_t jdn = 0;

	jalali_to_jdn(&j, &jdn);
	return jdn;
}

/* Characters, not bytes: the schema's VARCHAR lengths count these. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* The province whose prefix list holds the first three digits, or NULL. */
static const char *province_of(const char *nid)
{
	size_t i;

	for (i = 0; i < SEED_COUNT(seed_provinces); i++) {
		const char *p = seed_provinces[i].prefixes;

		for (; *p; p += p[3] ? 4 : 3)
			if (strncmp(p, nid, 3) == 0)
				return seed_provinces[i].name;
	}
	return NULL;
}

static void test_nid_make(void)
{
	char out[11];

	CHECK_EQ_INT(seed_nid_make("258", 20060, out), 0);
	CHECK_STR(out, "2580200606");
	CHECK_EQ_INT(seed_nid_make("001", 482317, out), 0);
	CHECK_STR(out, "0014823179");
	CHECK_EQ_INT(nid_validate(out), NID_OK);
	/* 000000 in digits 4-9, ten equal digits, out of range: refused. */
	CHECK_EQ_INT(seed_nid_make("136", 0, out), -1);
	CHECK_STR(out, "");
	CHECK_EQ_INT(seed_nid_make("111", 111111, out), -1);
	CHECK_EQ_INT(seed_nid_make("136", 1000000, out), -1);
	CHECK_EQ_INT(seed_nid_make("1x6", 5, out), -1);
	CHECK_EQ_INT(seed_nid_make("456", 1, out), 0);
	CHECK_STR(out, "4560000018");
}

static void test_tables(void)
{
	size_t i, j, n = 0, bad = 0, dup = 0;
	const char *all[512];

	for (i = 0; i < SEED_COUNT(seed_provinces); i++) {
		const char *p = seed_provinces[i].prefixes;

		bad += seed_provinces[i].weight == 0;
		for (;; p += 4) {
			if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' &&
			      p[1] <= '9' && p[2] >= '0' && p[2] <= '9') ||
			    (p[3] != ' ' && p[3] != '\0') || n == 512) {
				unit_note("bad prefix list of %s",
					  seed_provinces[i].name);
				bad++;
				break;
			}
			for (j = 0; j < n; j++)
				dup += strncmp(all[j], p, 3) == 0;
			all[n++] = p;
			if (p[3] == '\0')
				break;
		}
		bad += utf8_chars(seed_provinces[i].name) > 32;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(dup, 0);
	CHECKF(n >= 150, "%zu prefixes", n);
	for (i = 0, bad = 0; i < SEED_COUNT(seed_pilot_prefixes); i++) {
		const char *prov = province_of(seed_pilot_prefixes[i]);

		bad += prov == NULL || strcmp(prov, "سمنان") != 0;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(province_of("136") && strcmp(province_of("136"),
					   "آذربایجان شرقی") == 0);
	CHECK(province_of("001") && strcmp(province_of("001"), "تهران") == 0);
	CHECK(province_of("092") &&
	      strcmp(province_of("092"), "خراسان رضوی") == 0);
	CHECK(province_of("128") && strcmp(province_of("128"), "اصفهان") == 0);
	CHECK(province_of("228") && strcmp(province_of("228"), "فارس") == 0);
}

static void test_rng(void)
{
	struct seed_rng a, b;
	uint32_t i, hist[10] = { 0 }, worst = 0, max = 0;
	int same = 1;

	seed_rng_init(&a, 1);
	seed_rng_init(&b, 1);
	for (i = 0; i < 1000; i++)
		same &= seed_rng_next(&a) == seed_rng_next(&b);
	CHECK(same);
	seed_rng_init(&b, 2);
	CHECK(seed_rng_next(&a) != seed_rng_next(&b));
	for (i = 0; i < 100000; i++) {
		uint32_t v = seed_rng_below(&a, 10);

		max = v > max ? v : max;
		hist[v < 10 ? v : 0]++;
	}
	CHECK_EQ_INT(max, 9);
	for (i = 0; i < 10; i++) {
		uint32_t d = hist[i] > 10000 ? hist[i] - 10000 : 10000 - hist[i];

		worst = d > worst ? d : worst;
	}
	CHECKF(worst < 500, "digits evenly spread (worst off by %u)", worst);
}

/* A seeded city code, and the first city code of a province (NULL). */
static int seed_city(const char *code)
{
	size_t i;

	for (i = 0; code && i < SEED_N_CITIES; i++)
		if (!strcmp(seed_cities[i].code, code))
			return 1;
	return 0;
}

static const char *seed_city_of_province(const char *province)
{
	size_t i;

	for (i = 0; i < SEED_N_CITIES; i++)
		if (!strcmp(seed_cities[i].province, province))
			return seed_cities[i].code;
	return NULL;
}

static void test_persons(void)
{
	struct seed_ctx c, c2;
	struct seed_person p, q;
	int32_t oldest = greg(1920, 1, 1), adult;
	size_t i, bad_nid = 0, bad_prov = 0, bad_name = 0, bad_birth = 0;
	size_t bad_death = 0, bad_change = 0, bad_serial = 0, differ = 0;
	size_t young = 0, dead = 0, changed = 0, pilot = 0, male = 0;
	size_t bad_city = 0, home = 0, with_home = 0;

	CHECK_EQ_INT(seed_ctx_init(&c, 7, NOW_MS), 0);
	CHECK_EQ_INT(seed_ctx_init(&c2, 7, NOW_MS), 0);
	CHECK_EQ_INT(c.today_jdn, solar(1405, 8, 30));
	CHECK_EQ_INT(c.adult_jdn, solar(1390, 8, 30));
	adult = c.adult_jdn;
	for (i = 0; i < PERSONS; i++) {
		const char *prov;

		seed_person_next(&c, &p);
		seed_person_next(&c2, &q);
		differ += memcmp(&p, &q, sizeof(p)) != 0;
		bad_nid += nid_validate(p.national_id) != NID_OK;
		prov = province_of(p.national_id);
		bad_prov += prov == NULL || strcmp(prov, p.province) != 0 ||
			    p.pilot != seed_is_pilot(p.national_id);
		bad_name += !(p.male ? in_list(p.first_name, seed_male_names,
					       SEED_COUNT(seed_male_names)) :
				       in_list(p.first_name, seed_female_names,
					       SEED_COUNT(seed_female_names))) ||
			    !in_list(p.father_name, seed_male_names,
				     SEED_COUNT(seed_male_names)) ||
			    utf8_chars(p.last_name) > 64;
		bad_city += !seed_city(p.city_code) ||
			    strcmp(p.city_code, seed_city_code_of(p.national_id, p.province, 0));
		if (seed_city_of_province(p.province)) {
			with_home++;
			home += !strcmp(p.city_code, seed_city_of_province(p.province));
		}
		bad_serial += strlen(p.serial) != 6 ||
			      strcmp(p.serial, "000000") == 0 ||
			      strspn(p.serial, "0123456789") != 6;
		bad_birth += p.birth_jdn < oldest || p.birth_jdn > c.today_jdn;
		young += p.birth_jdn > adult;
		male += (size_t)p.male;
		pilot += (size_t)p.pilot;
		if (!p.alive) {
			dead++;
			bad_death += p.death_jdn <= p.birth_jdn ||
				     p.death_jdn >= c.today_jdn;
		}
		if (p.prev_serial[0]) {
			changed++;
			bad_change += strcmp(p.prev_serial, p.serial) == 0 ||
				      p.changed_ms > NOW_MS - 60000 ||
				      p.changed_ms < NOW_MS - SEED_CHANGE_WINDOW_MS;
		} else {
			bad_change += p.changed_ms != 0;
		}
	}
	CHECK_EQ_INT(differ, 0);
	CHECK_EQ_INT(bad_nid, 0);
	CHECK_EQ_INT(bad_prov, 0);
	CHECK_EQ_INT(bad_name, 0);
	CHECK_EQ_INT(bad_serial, 0);
	CHECK_EQ_INT(bad_birth, 0);
	CHECK_EQ_INT(bad_death, 0);
	CHECK_EQ_INT(bad_change, 0);
	CHECK_EQ_INT(bad_city, 0);
	CHECKF(home > with_home * 77 / 100 && home < with_home * 87 / 100,
	       "about 4 in 5 live in their birth province (%zu of %zu)", home, with_home);
	CHECKF(young > PERSONS * 18 / 100 && young < PERSONS * 22 / 100,
	       "about 20 %% under 15 (%zu)", young);
	CHECKF(dead > PERSONS * 15 / 1000 && dead < PERSONS * 25 / 1000,
	       "about 2 %% deceased (%zu)", dead);
	CHECKF(changed > PERSONS * 7 / 1000 && changed < PERSONS * 13 / 1000,
	       "about 1 %% changed serials (%zu)", changed);
	CHECKF(male > PERSONS * 48 / 100 && male < PERSONS * 52 / 100,
	       "about half male (%zu)", male);
	CHECKF(pilot > PERSONS / 100, "pilot prefixes present (%zu)", pilot);

	/* Another seed, another stream. */
	CHECK_EQ_INT(seed_ctx_init(&c2, 8, NOW_MS), 0);
	seed_ctx_init(&c, 7, NOW_MS);
	seed_person_next(&c, &p);
	seed_person_next(&c2, &q);
	CHECK(strcmp(p.national_id, q.national_id) != 0);
}

static void test_demos(void)
{
	struct seed_ctx c;
	struct seed_person p;
	struct jalali_date b, today;
	size_t i, bad = 0, changed = 0, dead = 0, young = 0, pilot = 0;

	seed_ctx_init(&c, 1, NOW_MS);
	jalali_from_jdn(c.today_jdn, &today);
	CHECK(seed_demo_count() >= 6);
	for (i = 0; i < seed_demo_count(); i++) {
		if (seed_demo_person(&c, i, &p) != 0 || !seed_demo_note(i)) {
			unit_note("demo %zu refused", i);
			bad++;
			continue;
		}
		if (seed_city_of_province(p.province) &&
		    strcmp(p.city_code, seed_city_of_province(p.province))) {
			unit_note("demo %zu lives away from home", i);
			bad++;
		}
		jalali_from_jdn(p.birth_jdn, &b);
		young += jalali_age_years(&b, &today) < 15;
		dead += !p.alive;
		pilot += (size_t)p.pilot;
		if (p.prev_serial[0]) {
			int64_t worked = -1;

			workhours_between((time_t)(p.changed_ms / 1000),
					  (time_t)(NOW_MS / 1000), NULL, 0,
					  &worked);
			changed += worked >= 0 &&
				   worked < WORKHOURS_SERIAL_WAIT_SECONDS;
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(seed_demo_person(&c, seed_demo_count(), &p), -1);
	CHECK(young >= 1);
	CHECK(dead >= 1);
	CHECK(pilot >= 1);
	CHECK(changed >= 1);

	/* The manual's citizen. */
	CHECK_EQ_INT(seed_demo_person(&c, 0, &p), 0);
	CHECK_STR(p.national_id, "2580200606");
	CHECK_STR(p.serial, "883810");
	CHECK_EQ_INT(p.birth_jdn, greg(1990, 6, 9));
	CHECK_EQ_INT(p.birth_jdn, solar(1369, 3, 19));
	/* Female, as her confirmation page in the manual says. */
	CHECK(!p.male && p.alive && p.prev_serial[0] == '\0');
}

static void test_offices(void)
{
	static struct seed_office o[SEED_OFFICES_MAX];
	size_t n = seed_offices(1, o, SEED_OFFICES_MAX), i, j;
	unsigned caps[SEED_N_CITIES] = { 0 }, count[SEED_N_CITIES] = { 0 };
	size_t bad = 0, tehran_prefixes = 0, evening_closed = 0;
	size_t deliver_pk = 0, pk = 0, deliver_other = 0, other = 0;
	size_t overlap = 0;

	CHECK(n > 100);
	CHECK_EQ_INT(seed_offices(1, o, 10), 0);
	n = seed_offices(1, o, SEED_OFFICES_MAX);
	for (i = 0; i < n; i++) {
		const struct seed_office *f = &o[i];

		count[f->city_index]++;
		caps[f->city_index] |= f->caps; /* what the city offers */
		bad += strlen(f->phone) != 8 ||
		       strspn(f->phone, "0123456789") != 8 ||
		       f->phone[0] == '0';
		bad += utf8_chars(f->name) > 128 || utf8_chars(f->address) > 255;
		bad += f->morning < 10 || f->morning > 60 ||
		       (f->evening != 0 && (f->evening < 10 || f->evening > 60));
		bad += f->working_days != 31 && f->working_days != 63;
		bad += strcmp(f->city_code, seed_cities[f->city_index].code) != 0;
		evening_closed += f->evening == 0;
		if (strcmp(f->type, "pishkhan") == 0) {
			pk++;
			deliver_pk += (f->caps & SEED_CAP_DELIVERS) != 0;
		} else if (strcmp(f->type, "post") == 0 ||
			   strcmp(f->type, "registry") == 0) {
			other++;
			deliver_other += (f->caps & SEED_CAP_DELIVERS) != 0;
		} else {
			bad++;
		}
		if (f->city_index != SEED_TEHRAN)
			continue;
		for (j = 0; j < i; j++)
			if (o[j].city_index == SEED_TEHRAN &&
			    strncmp(o[j].phone, f->phone, 4) == 0)
				break;
		tehran_prefixes += j == i;
	}
	CHECK_EQ_INT(bad, 0);
	CHECKF(count[SEED_TEHRAN] >= 50, "Tehran has %u offices",
	       count[SEED_TEHRAN]);
	CHECKF(tehran_prefixes >= 20, "Tehran spans %zu phone prefixes",
	       tehran_prefixes);
	for (i = 0; i < SEED_N_CITIES; i++)
		CHECKF(caps[i] == SEED_CAP_ALL && count[i] >= 3,
		       "%s: every capability somewhere", seed_cities[i].name);
	/* Each city's first office serves every need, both shifts. */
	for (i = 0, bad = 0; i < n; i++)
		if (i == 0 || o[i].city_index != o[i - 1].city_index)
			bad += o[i].caps != SEED_CAP_ALL || o[i].evening == 0 ||
			       strcmp(o[i].type, "registry") != 0;
	CHECK_EQ_INT(bad, 0);
	CHECK(evening_closed > 0);
	CHECK(deliver_other * pk > 3 * deliver_pk * other);
	/* Tabriz and Maragheh share 041 but not a phone prefix. */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			overlap += o[i].city_index == SEED_TABRIZ &&
				   o[j].city_index == SEED_MARAGHEH &&
				   strncmp(o[i].phone, o[j].phone, 4) == 0;
	CHECK_EQ_INT(overlap, 0);
	CHECK_STR(o[0].city, "تهران");
	CHECK_STR(o[0].city_code, "021");
	/* Deterministic. */
	{
		static struct seed_office o2[SEED_OFFICES_MAX];

		CHECK_EQ_INT(seed_offices(1, o2, SEED_OFFICES_MAX), n);
		CHECK(memcmp(o, o2, n * sizeof(o[0])) == 0);
	}
}

static void test_holidays(void)
{
	static struct seed_holiday h[SEED_HOLIDAYS_MAX];
	size_t n = seed_holidays(h, SEED_HOLIDAYS_MAX), i, j;
	size_t bad = 0, missing = 0;
	int32_t want[] = {
		solar(1403, 1, 1), solar(1403, 1, 4), solar(1403, 1, 13),
		solar(1404, 3, 14), solar(1404, 11, 22), solar(1405, 12, 29),
		greg(2024, 7, 17),  /* 10 Muharram 1446, tabular */
		greg(2025, 3, 31),  /* 1 Shawwal 1446, tabular */
	};

	CHECKF(n >= 70 && n <= 3 * 27, "%zu holiday days", n);
	CHECK_EQ_INT(seed_holidays(h, 5), 0);
	n = seed_holidays(h, SEED_HOLIDAYS_MAX);
	for (i = 0; i < n; i++) {
		bad += i > 0 && h[i].jdn <= h[i - 1].jdn;
		bad += h[i].jdn < solar(1403, 1, 1) ||
		       h[i].jdn >= solar(1406, 1, 1);
		bad += utf8_chars(h[i].title) > 128 || h[i].title[0] == '\0';
	}
	CHECK_EQ_INT(bad, 0);
	for (i = 0; i < SEED_COUNT(want); i++) {
		for (j = 0; j < n && h[j].jdn != want[i]; j++)
			;
		if (j == n)
			unit_note("missing holiday %zu", i);
		missing += j == n;
	}
	CHECK_EQ_INT(missing, 0);
	/* 29 Esfand 1404 is also Eid al-Fitr 1447 (tabular): one row. */
	for (j = 0; j < n && h[j].jdn != solar(1404, 12, 29); j++)
		;
	CHECK(j < n && strstr(h[j].title, "صنعت نفت") &&
	      strstr(h[j].title, "فطر"));
}

int main(void)
{
	test_nid_make();
	test_tables();
	test_rng();
	test_persons();
	test_demos();
	test_offices();
	test_holidays();
	return unit_done();
}
