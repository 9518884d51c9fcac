/*
 * seed-gen: the pure part of crs-seed: a deterministic random stream,
 * synthetic civil-registry persons with valid national IDs, the offices of
 * the seeded cities, the official holidays and the fixed demo persons.
 * No I/O and no allocation: crs-seed writes what this module makes, and
 * the unit test checks it without a database.
 *
 * Days are Julian Day Numbers (see jalali.h); instants are Unix ms (UTC).
 */
#ifndef CRS_SEED_GEN_H
#define CRS_SEED_GEN_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256**: fast, and the same stream on every platform for a seed. */
struct seed_rng {
	uint64_t s[4];
};

void seed_rng_init(struct seed_rng *r, uint64_t seed);
uint64_t seed_rng_next(struct seed_rng *r);
/* Uniform in [0, n); n > 0.  The bias (n / 2^32) does not matter here. */
uint32_t seed_rng_below(struct seed_rng *r, uint32_t n);

/*
 * A national ID from a 3-digit prefix and the 6-digit body (1..999999):
 * the check digit is appended.  Returns 0, or -1 when the result would not
 * pass nid_validate() (body 000000, ten equal digits) or the input is
 * malformed; out is then "".
 */
int seed_nid_make(const char *prefix, uint32_t body, char out[11]);

/* How long back serial changes are spread (SPEC §3.1: 48 working hours
 * are about nine calendar days, so some are inside, most are not). */
#define SEED_CHANGE_WINDOW_MS (21LL * 86400 * 1000)

struct seed_person {
	char national_id[11];
	char serial[7];
	char prev_serial[7];    /* "" when the serial never changed */
	int64_t changed_ms;     /* when the serial changed; 0 with no change */
	const char *first_name, *last_name, *father_name, *province;
	const char *city_code;  /* where the person lives (seed_cities), never NULL */
	int male;
	int32_t birth_jdn;
	int alive;
	int32_t death_jdn;      /* with alive == 0 */
	int pilot;              /* national ID has a Semnan pilot prefix */
};

/* The generator's state; one per stream of persons. */
struct seed_ctx {
	struct seed_rng rng;
	int64_t now_ms;
	int32_t today_jdn;      /* Tehran civil day of now */
	int32_t adult_jdn;      /* last birth day of someone 15 today */
	int32_t oldest_jdn;     /* 1920-01-01 */
	uint32_t total_weight;
};

/* now_ms: the instant "today" and serial changes are relative to. */
int seed_ctx_init(struct seed_ctx *c, uint64_t seed, int64_t now_ms);

/*
 * The next synthetic person: a weighted real prefix with its province,
 * names matched to the gender, a birth date from 1920 to today with about
 * 20 % under 15 full solar years, about 2 % deceased and about 1 % whose
 * serial changed within SEED_CHANGE_WINDOW_MS.  Strings point into the
 * static tables.
 */
void seed_person_next(struct seed_ctx *c, struct seed_person *p);

/* Where a person lives (a city code): mostly, or at_home always, a city
 * of the birth province when the seed has one, else any seeded city,
 * weighted by its offices.  A hash of the national ID decides, so the
 * random stream (and every other field) is what it was before. */
const char *seed_city_code_of(const char *national_id, const char *province, int at_home);

/* Whether a national ID starts with one of the pilot letter's prefixes. */
int seed_is_pilot(const char *national_id);

/* Number of fixed demo persons, and the i-th as a person (relative dates
 * resolved against c); its note for printing.  -1 on a bad table entry. */
size_t seed_demo_count(void);
int seed_demo_person(const struct seed_ctx *c, size_t i, struct seed_person *p);
const char *seed_demo_note(size_t i);

enum {
	SEED_CAP_STEP_FREE = 1,
	SEED_CAP_IRIS = 2,
	SEED_CAP_FINGERPRINT = 4,
	SEED_CAP_MOBILE = 8,
	SEED_CAP_DELIVERS = 16,
	SEED_CAP_ALL = 31
};

/* Bytes, not characters: Persian letters take two bytes in UTF-8. */
#define SEED_OFFICE_TEXT 512

struct seed_office {
	char name[SEED_OFFICE_TEXT];
	char address[SEED_OFFICE_TEXT];
	char phone[9];               /* landline without the city code */
	const char *type;            /* "pishkhan", "post" or "registry" */
	const char *province, *city, *city_code;
	int city_index;              /* into seed_cities */
	unsigned caps;               /* SEED_CAP_* */
	unsigned working_days;       /* bit 0 Saturday .. bit 6 Friday */
	int morning, evening;        /* approved capacity; 0: shift closed */
};

/* The offices of every seeded city, in insertion order (the city's
 * civil-registry office first).  Returns their number, or 0 when max is
 * too small. */
#define SEED_OFFICES_MAX 160
size_t seed_offices(uint64_t seed, struct seed_office *out, size_t max);

struct seed_holiday {
	int32_t jdn;
	char title[SEED_OFFICE_TEXT];
};

/*
 * The official holidays of the Jalali years SEED_HOLIDAY_YEAR_FIRST..LAST,
 * ascending, one entry per day (titles of coinciding holidays joined).
 * Lunar ones use the tabular calendar.  Returns their number, or 0 when
 * max is too small.
 */
#define SEED_HOLIDAYS_MAX 128
#define SEED_HOLIDAY_YEAR_FIRST 1403
#define SEED_HOLIDAY_YEAR_LAST 1405
size_t seed_holidays(struct seed_holiday *out, size_t max);

#endif /* CRS_SEED_GEN_H */
