/*
 * seed-gen: synthetic persons, offices, holidays and demo persons for
 * crs-seed, drawn from the tables of seed-data.h.  See seed-gen.h.
 */
#include "config.h"

#include "seed-gen.h"
#include "seed-data.h"

#include "hijri.h"
#include "jalali.h"
#include "nid.h"

#include <stdio.h>
#include <string.h>

#define DAYS_PER_YEAR_X100 36524 /* 365.24 days, in hundredths */
#define YEARS(y) ((int32_t)((int64_t)(y) * DAYS_PER_YEAR_X100 / 100))

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void seed_rng_init(struct seed_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	/* splitmix64 never yields four zero words, xoshiro's one bad state. */
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t seed_rng_next(struct seed_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint32_t seed_rng_below(struct seed_rng *r, uint32_t n)
{
	return (uint32_t)(((seed_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static const char *pick(struct seed_rng *r, const char *const *list,
			size_t n)
{
	return list[seed_rng_below(r, (uint32_t)n)];
}

/* Percent chance. */
static int chance(struct seed_rng *r, uint32_t percent)
{
	return seed_rng_below(r, 100) < percent;
}

int seed_nid_make(const char *prefix, uint32_t body, char out[11])
{
	int check;

	out[0] = '\0';
	if (prefix == NULL || body == 0 || body > 999999 ||
	    snprintf(out, 11, "%.3s%06u", prefix, (unsigned)body) != 9)
		goto fail;
	check = nid_make_check_digit(out);
	if (check < 0)
		goto fail;
	out[9] = (char)('0' + check);
	out[10] = '\0';
	if (nid_validate(out) != NID_OK)
		goto fail;
	return 0;
fail:
	out[0] = '\0';
	return -1;
}

int seed_is_pilot(const char *national_id)
{
	size_t i;

	for (i = 0; i < SEED_COUNT(seed_pilot_prefixes); i++)
		if (strncmp(national_id, seed_pilot_prefixes[i], 3) == 0)
			return 1;
	return 0;
}

/* The same Jalali day `years` years before jdn; 30 Esfand becomes 29
 * Esfand in a common year. */
static int years_before(int32_t jdn, int years, int32_t *out)
{
	struct jalali_date d;
	int len;

	if (jalali_from_jdn(jdn, &d) != JALALI_OK)
		return -1;
	d.year -= years;
	len = jalali_month_length(d.year, d.month);
	if (len < 0)
		return -1;
	if (d.day > len)
		d.day = len;
	return jalali_to_jdn(&d, out) == JALALI_OK ? 0 : -1;
}

int seed_ctx_init(struct seed_ctx *c, uint64_t seed, int64_t now_ms)
{
	size_t i;
	int sec;

	memset(c, 0, sizeof(*c));
	seed_rng_init(&c->rng, seed);
	c->now_ms = now_ms;
	if (jalali_tehran_local((time_t)(now_ms / 1000), &c->today_jdn,
				&sec) != JALALI_OK ||
	    years_before(c->today_jdn, 15, &c->adult_jdn) != 0 ||
	    jalali_gregorian_to_jdn(1920, 1, 1, &c->oldest_jdn) != JALALI_OK)
		return -1;
	for (i = 0; i < SEED_COUNT(seed_provinces); i++)
		c->total_weight += seed_provinces[i].weight;
	return 0;
}

/* A province by weight, then one of its prefixes uniformly. */
static const struct seed_province *pick_prefix(struct seed_ctx *c,
					       const char **prefix)
{
	uint32_t w = seed_rng_below(&c->rng, c->total_weight);
	const struct seed_province *p = seed_provinces;
	size_t n;

	while (w >= p->weight) {
		w -= p->weight;
		p++;
	}
	/* "001 002 003": each prefix takes four bytes but the last. */
	n = (strlen(p->prefixes) + 1) / 4;
	*prefix = p->prefixes + 4 * seed_rng_below(&c->rng, (uint32_t)n);
	return p;
}

/* A day uniformly in [lo, hi], clipped to the oldest birth day. */
static int32_t day_between(struct seed_ctx *c, int32_t lo, int32_t hi)
{
	if (lo < c->oldest_jdn)
		lo = c->oldest_jdn;
	if (hi < lo)
		hi = lo;
	return lo + (int32_t)seed_rng_below(&c->rng, (uint32_t)(hi - lo + 1));
}

/*
 * 20 % under 15 full years; of the rest, most between 15 and 50 and
 * fewer the older, back to 1920, which is roughly Iran's pyramid.
 */
static int32_t birth_day(struct seed_ctx *c)
{
	uint32_t r = seed_rng_below(&c->rng, 100);
	int32_t a = c->adult_jdn;

	if (r < 20)
		return day_between(c, a + 1, c->today_jdn);
	if (r < 76)
		return day_between(c, a - YEARS(35) + 1, a);
	if (r < 94)
		return day_between(c, a - YEARS(60) + 1, a - YEARS(35));
	return day_between(c, c->oldest_jdn, a - YEARS(60));
}

static void serial_draw(struct seed_rng *r, char out[7])
{
	snprintf(out, 7, "%06u", (unsigned)(1 + seed_rng_below(r, 999999)));
}

void seed_person_next(struct seed_ctx *c, struct seed_person *p)
{
	const struct seed_province *prov;
	const char *prefix;

	memset(p, 0, sizeof(*p));
	prov = pick_prefix(c, &prefix);
	/* A body that makes a pattern no office issues is drawn again. */
	while (seed_nid_make(prefix, 1 + seed_rng_below(&c->rng, 999999),
			     p->national_id) != 0)
		;
	p->province = prov->name;
	p->city_code = seed_city_code_of(p->national_id, p->province, 0);
	p->pilot = seed_is_pilot(p->national_id);
	serial_draw(&c->rng, p->serial);
	p->male = (int)seed_rng_below(&c->rng, 2);
	p->first_name = p->male ?
		pick(&c->rng, seed_male_names, SEED_COUNT(seed_male_names)) :
		pick(&c->rng, seed_female_names, SEED_COUNT(seed_female_names));
	p->last_name = pick(&c->rng, seed_last_names,
			    SEED_COUNT(seed_last_names));
	p->father_name = pick(&c->rng, seed_male_names,
			      SEED_COUNT(seed_male_names));
	p->birth_jdn = birth_day(c);
	p->alive = 1;
	if (chance(&c->rng, 2)) {
		/* Died after birth, within the last 40 years, before today. */
		int32_t lo = p->birth_jdn + 1, hi = c->today_jdn - 1;

		if (lo < c->today_jdn - YEARS(40))
			lo = c->today_jdn - YEARS(40);
		if (lo <= hi) {
			p->alive = 0;
			p->death_jdn = lo + (int32_t)seed_rng_below(
				&c->rng, (uint32_t)(hi - lo + 1));
		}
	}
	if (chance(&c->rng, 1)) {
		/* At least a minute ago: a change is never in the future. */
		do
			serial_draw(&c->rng, p->prev_serial);
		while (strcmp(p->prev_serial, p->serial) == 0);
		p->changed_ms = c->now_ms - 60000 -
				seed_rng_below(&c->rng, (uint32_t)(
					SEED_CHANGE_WINDOW_MS - 60000));
	}
}

const char *seed_city_code_of(const char *national_id, const char *province, int at_home)
{
	uint32_t h = 2166136261u, total = 0, k;
	const char *nid;
	size_t i;

	for (nid = national_id; *nid; nid++)   /* FNV-1a */
		h = (h ^ (unsigned char)*nid) * 16777619u;
	/* Four in five live in their birth province, if it has a city here
	 * (the cities of one province share their code in this seed). */
	if (at_home || h % 5 != 0)
		for (i = 0; i < SEED_N_CITIES; i++)
			if (!strcmp(seed_cities[i].province, province))
				return seed_cities[i].code;
	for (i = 0; i < SEED_N_CITIES; i++)
		total += seed_cities[i].n_offices;
	for (i = 0, k = (h / 5) % total; i + 1 < SEED_N_CITIES; i++) {
		if (k < seed_cities[i].n_offices)
			break;
		k -= seed_cities[i].n_offices;
	}
	return seed_cities[i].code;
}

size_t seed_demo_count(void)
{
	return SEED_COUNT(seed_demos);
}

const char *seed_demo_note(size_t i)
{
	return i < SEED_COUNT(seed_demos) ? seed_demos[i].note : NULL;
}

int seed_demo_person(const struct seed_ctx *c, size_t i, struct seed_person *p)
{
	const struct seed_demo *d;
	char buf[NID_SERIAL_LEN + 1];

	memset(p, 0, sizeof(*p));
	if (i >= SEED_COUNT(seed_demos))
		return -1;
	d = &seed_demos[i];
	if (nid_validate(d->national_id) != NID_OK ||
	    nid_serial_normalize(d->serial, buf) != NID_OK ||
	    (d->prev_serial &&
	     nid_serial_normalize(d->prev_serial, buf) != NID_OK))
		return -1;
	memcpy(p->national_id, d->national_id, sizeof(p->national_id));
	memcpy(p->serial, d->serial, sizeof(p->serial));
	if (d->prev_serial) {
		memcpy(p->prev_serial, d->prev_serial, sizeof(p->prev_serial));
		p->changed_ms = c->now_ms - (int64_t)d->changed_minutes_ago *
						    60000;
	}
	p->first_name = d->first_name;
	p->last_name = d->last_name;
	p->father_name = d->father_name;
	p->province = d->province;
	p->city_code = seed_city_code_of(p->national_id, p->province, 1);
	p->male = d->male;
	p->pilot = seed_is_pilot(d->national_id);
	if (d->jy == 0) {
		if (years_before(c->today_jdn, 12, &p->birth_jdn) != 0)
			return -1;
	} else {
		struct jalali_date b = { d->jy, d->jm, d->jd };

		if (jalali_to_jdn(&b, &p->birth_jdn) != JALALI_OK)
			return -1;
	}
	p->alive = 1;
	if (d->dy != 0) {
		struct jalali_date dd = { d->dy, d->dm, d->dd };

		if (jalali_to_jdn(&dd, &p->death_jdn) != JALALI_OK)
			return -1;
		p->alive = 0;
	}
	return 0;
}

/* A number in Persian digits, for names and addresses. */
static void fa_num(unsigned v, char *out, size_t outsz)
{
	char ascii[16];

	snprintf(ascii, sizeof(ascii), "%u", v);
	if (nid_digits_persian(ascii, out, outsz) != NID_OK)
		out[0] = '\0';
}

static void office_anchor(int ci, struct seed_office *o)
{
	const struct seed_anchor *a = &seed_anchors[ci];

	snprintf(o->name, sizeof(o->name), "%s", a->name);
	snprintf(o->address, sizeof(o->address), "%s", a->address);
	snprintf(o->phone, sizeof(o->phone), "%s", a->phone);
	o->type = "registry";
	o->caps = SEED_CAP_ALL;
	o->working_days = 63;
	o->morning = 60;
	o->evening = 30;
}

/* The k-th office of a city after its anchor, in district d. */
static void office_generated(struct seed_rng *r, int ci,
			     const struct seed_district *d,
			     unsigned *registries, struct seed_office *o)
{
	const char *city = seed_cities[ci].name;
	uint32_t kind = seed_rng_below(r, 100);
	char num[32], plate[32];

	fa_num(1 + seed_rng_below(r, 400), plate, sizeof(plate));
	snprintf(o->address, sizeof(o->address), "%s - %s - %s - پلاک %s",
		 city, d->area, d->street, plate);
	snprintf(o->phone, sizeof(o->phone), "%s%04u", d->phone4,
		 (unsigned)seed_rng_below(r, 10000));
	if (kind < 64) {
		o->type = "pishkhan";
		fa_num(100 + seed_rng_below(r, 900), num, sizeof(num));
		snprintf(o->name, sizeof(o->name),
			 "دفتر پیشخوان دولت %s - %s", num, d->street);
		o->working_days = chance(r, 70) ? 63 : 31;
		o->evening = chance(r, 80) ? 10 + (int)seed_rng_below(r, 51) : 0;
		o->caps = chance(r, 10) ? SEED_CAP_DELIVERS : 0;
	} else if (kind < 86) {
		o->type = "post";
		fa_num(10 + seed_rng_below(r, 990), num, sizeof(num));
		snprintf(o->name, sizeof(o->name),
			 "دفتر خدمات پستی %s - %s", num, d->area);
		o->working_days = chance(r, 60) ? 63 : 31;
		o->evening = chance(r, 35) ? 10 + (int)seed_rng_below(r, 51) : 0;
		o->caps = chance(r, 85) ? SEED_CAP_DELIVERS : 0;
	} else {
		o->type = "registry";
		fa_num(++*registries, num, sizeof(num));
		snprintf(o->name, sizeof(o->name),
			 ci == SEED_TEHRAN ? "اداره ثبت احوال منطقه %s %s" :
					     "اداره ثبت احوال ناحیه %s %s",
			 num, city);
		o->working_days = chance(r, 80) ? 31 : 63;
		o->evening = chance(r, 15) ? 10 + (int)seed_rng_below(r, 51) : 0;
		o->caps = chance(r, 85) ? SEED_CAP_DELIVERS : 0;
	}
	o->morning = 10 + (int)seed_rng_below(r, 51);
	/* The special capabilities are rare: most citizens need none. */
	if (chance(r, 35))
		o->caps |= SEED_CAP_STEP_FREE;
	if (chance(r, 8))
		o->caps |= SEED_CAP_IRIS;
	if (chance(r, 8))
		o->caps |= SEED_CAP_FINGERPRINT;
	if (chance(r, 6))
		o->caps |= SEED_CAP_MOBILE;
}

size_t seed_offices(uint64_t seed, struct seed_office *out, size_t max)
{
	struct seed_rng r;
	size_t n = 0;
	int ci;

	/* Its own stream: the offices do not depend on --people. */
	seed_rng_init(&r, seed ^ 0x6f6666696365ull);
	for (ci = 0; ci < SEED_N_CITIES; ci++) {
		const struct seed_city *city = &seed_cities[ci];
		const struct seed_district *ds[SEED_COUNT(seed_districts)];
		unsigned k, nd = 0, registries = 0;
		size_t i;

		for (i = 0; i < SEED_COUNT(seed_districts); i++)
			if (seed_districts[i].city == ci)
				ds[nd++] = &seed_districts[i];
		if (nd == 0 || n + city->n_offices > max)
			return 0;
		for (k = 0; k < city->n_offices; k++) {
			struct seed_office *o = &out[n++];

			memset(o, 0, sizeof(*o));
			if (k == 0)
				office_anchor(ci, o);
			else
				office_generated(&r, ci, ds[(k - 1) % nd],
						 &registries, o);
			o->province = city->province;
			o->city = city->name;
			o->city_code = city->code;
			o->city_index = ci;
		}
	}
	return n;
}

static int holiday_add(struct seed_holiday *out, size_t max, size_t *n,
		       int32_t jdn, const char *title)
{
	if (*n >= max)
		return -1;
	out[*n].jdn = jdn;
	snprintf(out[*n].title, sizeof(out[*n].title), "%s", title);
	(*n)++;
	return 0;
}

size_t seed_holidays(struct seed_holiday *out, size_t max)
{
	struct jalali_date first = { SEED_HOLIDAY_YEAR_FIRST, 1, 1 };
	struct jalali_date after = { SEED_HOLIDAY_YEAR_LAST + 1, 1, 1 };
	struct hijri_date h0, h1;
	int32_t lo, hi;
	size_t n = 0, i, j;
	int y;

	if (jalali_to_jdn(&first, &lo) != JALALI_OK ||
	    jalali_to_jdn(&after, &hi) != JALALI_OK ||
	    hijri_from_jdn(lo, NULL, 0, &h0) != HIJRI_OK ||
	    hijri_from_jdn(hi - 1, NULL, 0, &h1) != HIJRI_OK)
		return 0;
	for (y = SEED_HOLIDAY_YEAR_FIRST; y <= SEED_HOLIDAY_YEAR_LAST; y++) {
		for (i = 0; i < SEED_COUNT(seed_solar_holidays); i++) {
			const struct seed_holiday_def *d = &seed_solar_holidays[i];
			struct jalali_date jd = { y, d->month, d->day };
			int32_t jdn;

			if (jalali_to_jdn(&jd, &jdn) != JALALI_OK ||
			    holiday_add(out, max, &n, jdn, d->title) != 0)
				return 0;
		}
	}
	for (y = h0.year; y <= h1.year; y++) {
		for (i = 0; i < SEED_COUNT(seed_lunar_holidays); i++) {
			const struct seed_holiday_def *d = &seed_lunar_holidays[i];
			struct hijri_date hd = { y, d->month, d->day };
			int32_t jdn;

			if (hd.day == 0)
				hd.day = hijri_month_length(y, d->month, NULL, 0);
			if (hijri_to_jdn(&hd, NULL, 0, &jdn) != HIJRI_OK)
				return 0;
			if (jdn >= lo && jdn < hi &&
			    holiday_add(out, max, &n, jdn, d->title) != 0)
				return 0;
		}
	}
	/* Insertion sort: a few dozen entries, and stable (solar first). */
	for (i = 1; i < n; i++) {
		struct seed_holiday t = out[i];

		for (j = i; j > 0 && out[j - 1].jdn > t.jdn; j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
	/* One row per day: the table's key is the day. */
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && out[j - 1].jdn == out[i].jdn) {
			struct seed_holiday *prev = &out[j - 1], cur = out[i];
			size_t len = strlen(prev->title);

			if (snprintf(prev->title + len, sizeof(prev->title) - len,
				     "، %s", cur.title) >=
			    (int)(sizeof(prev->title) - len))
				return 0;
			continue;
		}
		if (j != i)
			out[j] = out[i];
		j++;
	}
	return j;
}
