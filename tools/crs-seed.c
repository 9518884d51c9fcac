/*
 * crs-seed: fills a CRS database with synthetic but valid data (SPEC §3.1):
 * the civil registry (registry_person), and, when the office table is
 * empty, the offices with their shifts, the official holidays and the
 * tabular Hijri month starts.  It connects with the [db] section of the
 * crsd configuration.
 *
 *   crs-seed -c CONF --people N [--seed S] [--offices-only]
 *
 * Persons are appended with INSERT IGNORE: a national ID already in the
 * registry is skipped and only the rows actually inserted are counted.
 * The stream is deterministic for a seed and the registry's row count
 * (see seed_registry), apart from what is relative to now (ages, serial
 * changes): an empty registry always gets the same persons, and a second
 * run appends fresh ones.  Persons are generated as a stream, a batch at
 * a time: memory does not grow with N.
 */
#include "config.h"

#include "conf.h"
#include "hijri.h"
#include "jalali.h"
#include "seed-gen.h"
#include "tooldb.h"
#include "util.h"
#include "workhours.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows per prepared multi-row INSERT, per transaction, per progress line. */
#define BATCH_ROWS 1000
#define TX_ROWS 50000
#define PROGRESS_ROWS 100000
#define PEOPLE_MAX 100000000LL
#define DEMO_MAX 16

/* Hijri years whose month starts are seeded (see insert_hijri_months). */
#define HIJRI_SEED_FIRST 1445
#define HIJRI_SEED_LAST 1447

enum {
	C_NID, C_SERIAL, C_PREV, C_CHANGED, C_FIRST, C_LAST, C_FATHER,
	C_BIRTH, C_GENDER, C_PROVINCE, C_CITY, C_ALIVE, C_DEATH, PERSON_COLS
};

static const char person_insert[] =
	"INSERT IGNORE INTO registry_person (national_id, serial, prev_serial,"
	" serial_changed_at, first_name, last_name, father_name, birth_date,"
	" gender, birth_province, city_code, alive, death_date) VALUES ";

/* The parameter buffers of one row; binds point into them for good. */
struct person_row {
	char nid[11], serial[7], prev[7], changed[32];
	char first[256], last[256], father[256], province[128], city[4];
	char birth[16], gender[8], death[16];
	signed char alive;
	unsigned long len[PERSON_COLS];
	my_bool prev_null, changed_null, death_null;
};

struct batch {
	MYSQL *my;
	MYSQL_STMT *full;       /* BATCH_ROWS rows; prepared on first use */
	struct person_row *rows;
	MYSQL_BIND *binds;      /* BATCH_ROWS * PERSON_COLS */
	size_t n;               /* rows filled */
	uint64_t inserted;
};

struct person_stats {
	uint64_t generated, dead, young, pilot, changed, changed_recent;
};

struct opts {
	const char *conf;
	long long people;
	uint64_t seed;
	int offices_only;
	int help;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: crs-seed -c CONF --people N [--seed S] [--offices-only]\n"
		"  -c, --config CONF   crsd configuration; its [db] section is used\n"
		"  --people N          append N synthetic persons (0..%lld)\n"
		"  --seed S            random seed (default 1); an empty registry\n"
		"                      gets the same persons for the same seed\n"
		"  --offices-only      only the offices, shifts, holidays and Hijri\n"
		"                      month starts (inserted when office is empty)\n",
		PEOPLE_MAX);
}

static int query(MYSQL *my, const char *sql)
{
	return mysql_query(my, sql) ? tooldb_error(my, sql) : 0;
}

static void bind_int(MYSQL_BIND *b, int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
}

static int stmt_run(MYSQL_STMT *st, MYSQL_BIND *b, const char *what)
{
	if (mysql_stmt_bind_param(st, b) || mysql_stmt_execute(st))
		return tooldb_stmt_error(st, what);
	return 0;
}

static void fmt_day(int32_t jdn, char *out, size_t outsz)
{
	int y = 0, m = 0, d = 0;

	jalali_jdn_to_gregorian(jdn, &y, &m, &d);
	snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
}

/* 'YYYY-MM-DD HH:MM:SS.mmm' UTC, for DATETIME(3); ms > 0. */
static void fmt_instant(int64_t ms, char *out, size_t outsz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, outsz, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + n, outsz - n, ".%03u", (unsigned)(ms % 1000));
}

static int office_empty(MYSQL *my, int *empty)
{
	MYSQL_RES *res;

	if (query(my, "SELECT 1 FROM office LIMIT 1"))
		return -1;
	res = mysql_store_result(my);
	if (!res)
		return tooldb_error(my, "SELECT 1 FROM office");
	*empty = mysql_num_rows(res) == 0;
	mysql_free_result(res);
	return 0;
}

static int insert_offices(MYSQL *my, uint64_t seed, unsigned *n_off,
			  unsigned *n_shift)
{
	static struct seed_office offices[SEED_OFFICES_MAX];
	MYSQL_STMT *off = NULL, *sh = NULL;
	size_t n = seed_offices(seed, offices, SEED_OFFICES_MAX), i;
	int rc = -1;

	if (n == 0) {
		fprintf(stderr, "crs-seed: the office tables do not fit\n");
		return -1;
	}
	off = tooldb_prepare(my,
		"INSERT INTO office (name, type, province, city, city_code,"
		" address, phone, step_free, iris_alternative,"
		" fingerprint_alternative, mobile_service, delivers_cards,"
		" working_days) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"prepare INSERT INTO office");
	sh = tooldb_prepare(my,
		"INSERT INTO office_shift (office_id, shift, capacity)"
		" VALUES (?, 'morning', ?), (?, 'evening', ?)",
		"prepare INSERT INTO office_shift");
	if (!off || !sh)
		goto out;
	for (i = 0; i < n; i++) {
		const struct seed_office *o = &offices[i];
		MYSQL_BIND b[13], s[4];
		unsigned long len[7];
		int flag[5], days = (int)o->working_days, id;
		int morning = o->morning, evening = o->evening;
		unsigned k;

		tooldb_bind_text(&b[0], o->name, &len[0]);
		tooldb_bind_text(&b[1], o->type, &len[1]);
		tooldb_bind_text(&b[2], o->province, &len[2]);
		tooldb_bind_text(&b[3], o->city, &len[3]);
		tooldb_bind_text(&b[4], o->city_code, &len[4]);
		tooldb_bind_text(&b[5], o->address, &len[5]);
		tooldb_bind_text(&b[6], o->phone, &len[6]);
		for (k = 0; k < 5; k++) {
			flag[k] = (o->caps >> k) & 1;
			bind_int(&b[7 + k], &flag[k]);
		}
		bind_int(&b[12], &days);
		if (stmt_run(off, b, "INSERT INTO office"))
			goto out;
		id = (int)mysql_stmt_insert_id(off);
		bind_int(&s[0], &id);
		bind_int(&s[1], &morning);
		bind_int(&s[2], &id);
		bind_int(&s[3], &evening);
		if (stmt_run(sh, s, "INSERT INTO office_shift"))
			goto out;
	}
	*n_off = (unsigned)n;
	*n_shift = (unsigned)(2 * n);
	rc = 0;
out:
	if (off)
		mysql_stmt_close(off);
	if (sh)
		mysql_stmt_close(sh);
	return rc;
}

/* IGNORE: a day an operator entered already keeps the operator's title. */
static int insert_holidays(MYSQL *my, const struct seed_holiday *hol,
			   size_t n, unsigned *count)
{
	MYSQL_STMT *st = tooldb_prepare(my,
		"INSERT IGNORE INTO holiday (day, title) VALUES (?, ?)",
		"prepare INSERT INTO holiday");
	size_t i;
	int rc = -1;

	if (!st)
		return -1;
	*count = 0;
	for (i = 0; i < n; i++) {
		MYSQL_BIND b[2];
		unsigned long len[2];
		char day[16];

		fmt_day(hol[i].jdn, day, sizeof(day));
		tooldb_bind_text(&b[0], day, &len[0]);
		tooldb_bind_text(&b[1], hol[i].title, &len[1]);
		if (stmt_run(st, b, "INSERT INTO holiday"))
			goto out;
		*count += (unsigned)mysql_stmt_affected_rows(st);
	}
	rc = 0;
out:
	mysql_stmt_close(st);
	return rc;
}

/*
 * The tabular islamic-civil month starts.  They are placeholders: the
 * operator replaces them with the starts Iran announces (moon sighting),
 * which differ by a day in some months.  IGNORE keeps announced ones.
 */
static int insert_hijri_months(MYSQL *my, unsigned *count)
{
	MYSQL_STMT *st = tooldb_prepare(my,
		"INSERT IGNORE INTO hijri_month_start (year, month, day1)"
		" VALUES (?, ?, ?)",
		"prepare INSERT INTO hijri_month_start");
	int y, m, rc = -1;

	if (!st)
		return -1;
	*count = 0;
	for (y = HIJRI_SEED_FIRST; y <= HIJRI_SEED_LAST; y++) {
		for (m = 1; m <= 12; m++) {
			struct hijri_date h = { y, m, 1 };
			MYSQL_BIND b[3];
			unsigned long len;
			char day[16];
			int32_t jdn;
			int yy = y, mm = m;

			if (hijri_to_jdn(&h, NULL, 0, &jdn) != HIJRI_OK) {
				fprintf(stderr, "crs-seed: Hijri %d/%d\n", y, m);
				goto out;
			}
			fmt_day(jdn, day, sizeof(day));
			bind_int(&b[0], &yy);
			bind_int(&b[1], &mm);
			tooldb_bind_text(&b[2], day, &len);
			if (stmt_run(st, b, "INSERT INTO hijri_month_start"))
				goto out;
			*count += (unsigned)mysql_stmt_affected_rows(st);
		}
	}
	rc = 0;
out:
	mysql_stmt_close(st);
	return rc;
}

/* Offices and the calendar data, once: only into an empty office table. */
static int seed_reference(MYSQL *my, uint64_t seed,
			  const struct seed_holiday *hol, size_t n_hol)
{
	unsigned n_off = 0, n_shift = 0, n_h = 0, n_m = 0;
	int empty = 0;

	if (office_empty(my, &empty))
		return -1;
	if (!empty) {
		printf("offices: the office table has rows; offices, shifts, "
		       "holidays and Hijri months left alone\n");
		return 0;
	}
	if (insert_offices(my, seed, &n_off, &n_shift) ||
	    insert_holidays(my, hol, n_hol, &n_h) ||
	    insert_hijri_months(my, &n_m) || query(my, "COMMIT"))
		return -1;
	printf("offices: %u offices, %u shifts, %u holidays (%d-%d), "
	       "%u Hijri month starts (%d-%d, tabular)\n",
	       n_off, n_shift, n_h, SEED_HOLIDAY_YEAR_FIRST,
	       SEED_HOLIDAY_YEAR_LAST, n_m, HIJRI_SEED_FIRST, HIJRI_SEED_LAST);
	return 0;
}

static void bind_col(MYSQL_BIND *b, enum enum_field_types type, void *buf,
		     unsigned long size, unsigned long *len, my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = type;
	b->buffer = buf;
	b->buffer_length = size;
	b->length = len;
	b->is_null = is_null;
}

static int batch_open(struct batch *b, MYSQL *my)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->my = my;
	b->rows = calloc(BATCH_ROWS, sizeof(*b->rows));
	b->binds = calloc((size_t)BATCH_ROWS * PERSON_COLS, sizeof(*b->binds));
	if (!b->rows || !b->binds) {
		fprintf(stderr, "crs-seed: out of memory\n");
		return -1;
	}
	/*
	 * mysql_stmt_bind_param() copies the binds but reads the buffers,
	 * lengths and NULL flags at each execute: bind once, refill rows.
	 */
	for (i = 0; i < BATCH_ROWS; i++) {
		struct person_row *r = &b->rows[i];
		MYSQL_BIND *c = &b->binds[i * PERSON_COLS];

#define TEXT(col, f, nul) \
	bind_col(&c[col], MYSQL_TYPE_STRING, r->f, sizeof(r->f), &r->len[col], nul)
		TEXT(C_NID, nid, NULL);
		TEXT(C_SERIAL, serial, NULL);
		TEXT(C_PREV, prev, &r->prev_null);
		TEXT(C_CHANGED, changed, &r->changed_null);
		TEXT(C_FIRST, first, NULL);
		TEXT(C_LAST, last, NULL);
		TEXT(C_FATHER, father, NULL);
		TEXT(C_BIRTH, birth, NULL);
		TEXT(C_GENDER, gender, NULL);
		TEXT(C_PROVINCE, province, NULL);
		TEXT(C_CITY, city, NULL);
		TEXT(C_DEATH, death, &r->death_null);
#undef TEXT
		bind_col(&c[C_ALIVE], MYSQL_TYPE_TINY, &r->alive, 1, NULL, NULL);
	}
	return 0;
}

static void batch_close(struct batch *b)
{
	if (b->full)
		mysql_stmt_close(b->full);
	free(b->rows);
	free(b->binds);
}

/* A statement inserting n rows, bound to the first n rows' buffers. */
static MYSQL_STMT *prepare_rows(struct batch *b, size_t n)
{
	static const char tuple[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?),";
	size_t head = sizeof(person_insert) - 1, t = sizeof(tuple) - 1, i;
	char *sql = malloc(head + n * t + 1);
	MYSQL_STMT *st = NULL;

	_Static_assert(sizeof(tuple) - 1 == 2 * PERSON_COLS + 2,
		       "one placeholder per column");
	if (!sql) {
		fprintf(stderr, "crs-seed: out of memory\n");
		return NULL;
	}
	memcpy(sql, person_insert, head);
	for (i = 0; i < n; i++)
		memcpy(sql + head + i * t, tuple, t);
	sql[head + n * t - 1] = '\0'; /* the last comma */
	st = tooldb_prepare(b->my, sql, "prepare INSERT INTO registry_person");
	free(sql);
	if (st && mysql_stmt_bind_param(st, b->binds)) {
		tooldb_stmt_error(st, "bind INSERT INTO registry_person");
		mysql_stmt_close(st);
		st = NULL;
	}
	return st;
}

static int copy_text(char *dst, size_t dstsz, const char *src,
		     unsigned long *len)
{
	size_t n = strlen(src);

	if (n >= dstsz) {
		fprintf(stderr, "crs-seed: value too long: %s\n", src);
		return -1;
	}
	memcpy(dst, src, n + 1);
	*len = (unsigned long)n;
	return 0;
}

static int batch_add(struct batch *b, const struct seed_person *p)
{
	struct person_row *r = &b->rows[b->n];

	if (copy_text(r->nid, sizeof(r->nid), p->national_id, &r->len[C_NID]) ||
	    copy_text(r->serial, sizeof(r->serial), p->serial,
		      &r->len[C_SERIAL]) ||
	    copy_text(r->prev, sizeof(r->prev), p->prev_serial,
		      &r->len[C_PREV]) ||
	    copy_text(r->first, sizeof(r->first), p->first_name,
		      &r->len[C_FIRST]) ||
	    copy_text(r->last, sizeof(r->last), p->last_name, &r->len[C_LAST]) ||
	    copy_text(r->father, sizeof(r->father), p->father_name,
		      &r->len[C_FATHER]) ||
	    copy_text(r->province, sizeof(r->province), p->province,
		      &r->len[C_PROVINCE]) ||
	    copy_text(r->city, sizeof(r->city), p->city_code, &r->len[C_CITY]) ||
	    copy_text(r->gender, sizeof(r->gender), p->male ? "male" : "female",
		      &r->len[C_GENDER]))
		return -1;
	r->prev_null = p->prev_serial[0] == '\0';
	r->changed_null = p->changed_ms == 0;
	if (!r->changed_null)
		fmt_instant(p->changed_ms, r->changed, sizeof(r->changed));
	r->len[C_CHANGED] = (unsigned long)strlen(r->changed);
	fmt_day(p->birth_jdn, r->birth, sizeof(r->birth));
	r->len[C_BIRTH] = (unsigned long)strlen(r->birth);
	r->alive = (signed char)p->alive;
	r->death_null = p->alive != 0;
	if (!r->death_null)
		fmt_day(p->death_jdn, r->death, sizeof(r->death));
	r->len[C_DEATH] = (unsigned long)strlen(r->death);
	b->n++;
	return 0;
}

/* Insert the filled rows; b->inserted counts what the IGNORE let in. */
static int batch_flush(struct batch *b)
{
	MYSQL_STMT *st;
	int rc = -1;

	if (b->n == 0)
		return 0;
	if (b->n == BATCH_ROWS) {
		if (!b->full)
			b->full = prepare_rows(b, BATCH_ROWS);
		st = b->full;
	} else {
		st = prepare_rows(b, b->n);
	}
	if (!st)
		return -1;
	if (mysql_stmt_execute(st)) {
		tooldb_stmt_error(st, "INSERT INTO registry_person");
		goto out;
	}
	b->inserted += mysql_stmt_affected_rows(st);
	b->n = 0;
	rc = 0;
out:
	if (st != b->full)
		mysql_stmt_close(st);
	return rc;
}

/* One statement per demo person, to tell which were there already. */
static int insert_demos(struct batch *b, const struct seed_ctx *ctx,
			int *fresh)
{
	size_t i;

	for (i = 0; i < seed_demo_count(); i++) {
		struct seed_person p;
		uint64_t before = b->inserted;

		if (seed_demo_person(ctx, i, &p) != 0) {
			fprintf(stderr, "crs-seed: demo person %zu is invalid\n",
				i);
			return -1;
		}
		if (batch_add(b, &p) || batch_flush(b))
			return -1;
		fresh[i] = b->inserted > before;
	}
	return query(b->my, "COMMIT");
}

static void print_demos(const struct seed_ctx *ctx, const int *fresh)
{
	size_t i;

	for (i = 0; i < seed_demo_count(); i++) {
		struct seed_person p;
		struct jalali_date j;
		char birth[JALALI_FMT_SIZE];

		if (seed_demo_person(ctx, i, &p) != 0 ||
		    jalali_from_jdn(p.birth_jdn, &j) != JALALI_OK ||
		    jalali_format(&j, birth, sizeof(birth)) != JALALI_OK)
			continue;
		printf("demo: %s %s %s %s%s\n", p.national_id, p.serial, birth,
		       seed_demo_note(i),
		       fresh[i] ? "" : " (was in the registry already)");
	}
}

static double secs_since(int64_t t0)
{
	return (double)(mono_ms() - t0) / 1000.0;
}

/*
 * The summary's counts.  "Within 48 working hours" are the changed serials
 * crsd still refuses (SERIAL_NOT_YET_KNOWN), counted with the seeded
 * holidays.
 */
static void tally(struct person_stats *st, const struct seed_ctx *ctx,
		  const struct seed_person *p, const int32_t *hol, size_t n_hol)
{
	st->generated++;
	st->dead += !p->alive;
	st->young += p->birth_jdn > ctx->adult_jdn;
	st->pilot += (uint64_t)p->pilot;
	if (p->changed_ms) {
		int64_t worked;

		st->changed++;
		if (workhours_between((time_t)(p->changed_ms / 1000),
				      (time_t)(ctx->now_ms / 1000), hol, n_hol,
				      &worked) == WORKHOURS_OK &&
		    worked < WORKHOURS_SERIAL_WAIT_SECONDS)
			st->changed_recent++;
	}
}

static int seed_people(struct batch *b, struct seed_ctx *ctx, long long n,
		       const int32_t *hol, size_t n_hol)
{
	struct person_stats st = { 0 };
	uint64_t base = b->inserted, since_commit = 0;
	int64_t t0 = mono_ms();
	long long i;
	double secs;

	for (i = 0; i < n; i++) {
		struct seed_person p;

		seed_person_next(ctx, &p);
		tally(&st, ctx, &p, hol, n_hol);
		if (batch_add(b, &p))
			return -1;
		if (b->n == BATCH_ROWS) {
			if (batch_flush(b))
				return -1;
			since_commit += BATCH_ROWS;
		}
		if (since_commit >= TX_ROWS) {
			if (query(b->my, "COMMIT"))
				return -1;
			since_commit = 0;
		}
		if ((i + 1) % PROGRESS_ROWS == 0) {
			printf("  %lld persons, %" PRIu64 " inserted, %.1f s\n",
			       i + 1, b->inserted - base, secs_since(t0));
			fflush(stdout);
		}
	}
	if (batch_flush(b) || query(b->my, "COMMIT"))
		return -1;
	secs = secs_since(t0);
	printf("persons: %" PRIu64 " generated, %" PRIu64 " inserted, %" PRIu64
	       " skipped (national ID already present); %.1f s, %.0f rows/s\n",
	       st.generated, b->inserted - base,
	       st.generated - (b->inserted - base), secs,
	       secs > 0 ? (double)st.generated / secs : 0.0);
	printf("  generated: %" PRIu64 " deceased, %" PRIu64 " under 15, %"
	       PRIu64 " with a Semnan pilot prefix, %" PRIu64
	       " serial changes in the last %lld days (%" PRIu64
	       " within 48 working hours)\n",
	       st.dead, st.young, st.pilot, st.changed,
	       SEED_CHANGE_WINDOW_MS / 86400000, st.changed_recent);
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "people", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "offices-only", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, have_people = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf = optarg;
			break;
		case 'p':
			errno = 0;
			o->people = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || o->people < 0 ||
			    o->people > PEOPLE_MAX) {
				fprintf(stderr, "crs-seed: --people wants 0..%lld\n",
					PEOPLE_MAX);
				return 2;
			}
			have_people = 1;
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, "crs-seed: --seed wants a "
						"non-negative integer\n");
				return 2;
			}
			break;
		case 'o':
			o->offices_only = 1;
			break;
		case 'h':
			o->help = 1;
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !o->conf || have_people == o->offices_only) {
		usage(stderr);
		return 2;
	}
	return 0;
}

static int registry_rows(MYSQL *my, uint64_t *rows)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (query(my, "SELECT COUNT(*) FROM registry_person"))
		return -1;
	res = mysql_store_result(my);
	if (!res)
		return tooldb_error(my, "SELECT COUNT(*) FROM registry_person");
	row = mysql_fetch_row(res);
	*rows = row && row[0] ? strtoull(row[0], NULL, 10) : 0;
	mysql_free_result(res);
	return 0;
}

static int seed_registry(MYSQL *my, const struct opts *o,
			 const int32_t *hol, size_t n_hol)
{
	int fresh[DEMO_MAX] = { 0 };
	struct batch b = { 0 };
	struct seed_ctx ctx;
	uint64_t rows = 0;
	int rc = -1;

	/*
	 * The stream depends on the seed and on how many persons the registry
	 * holds: an empty registry always gets the same persons for a seed,
	 * and a later run appends fresh ones instead of repeating them.
	 */
	if (registry_rows(my, &rows))
		return -1;
	if (seed_demo_count() > DEMO_MAX ||
	    seed_ctx_init(&ctx, o->seed ^ (rows * 0x9e3779b97f4a7c15ull),
			  (int64_t)time(NULL) * 1000) != 0) {
		fprintf(stderr, "crs-seed: cannot set up the generator\n");
		return -1;
	}
	printf("persons: %lld with seed %" PRIu64 " (registry had %" PRIu64
	       " rows)\n", o->people, o->seed, rows);
	fflush(stdout);
	if (batch_open(&b, my) || insert_demos(&b, &ctx, fresh) ||
	    seed_people(&b, &ctx, o->people, hol, n_hol))
		goto out;
	print_demos(&ctx, fresh);
	rc = 0;
out:
	batch_close(&b);
	return rc;
}

int main(int argc, char **argv)
{
	static struct seed_holiday hol[SEED_HOLIDAYS_MAX];
	int32_t hol_days[SEED_HOLIDAYS_MAX];
	struct conf *cfg = NULL;
	struct opts o;
	MYSQL *my = NULL;
	size_t n_hol, i;
	char err[256];
	int rc = 1, arc;

	tooldb_set_name("crs-seed");

	arc = parse_args(argc, argv, &o);
	if (arc || o.help) {
		if (o.help)
			usage(stdout);
		return arc;
	}
	n_hol = seed_holidays(hol, SEED_HOLIDAYS_MAX);
	if (n_hol == 0) {
		fprintf(stderr, "crs-seed: the holiday tables do not fit\n");
		return 1;
	}
	for (i = 0; i < n_hol; i++)
		hol_days[i] = hol[i].jdn;
	cfg = conf_load(o.conf, err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "crs-seed: %s: %s\n", o.conf, err);
		return 1;
	}
	my = tooldb_connect(cfg);
	if (!my)
		goto out;
	/*
	 * One transaction per TX_ROWS rows.  The only unique key is the
	 * primary key, which InnoDB checks whatever unique_checks says, so
	 * INSERT IGNORE still skips an existing national ID.
	 */
	if (mysql_autocommit(my, 0)) {
		tooldb_error(my, "autocommit off");
		goto out;
	}
	if (query(my, "SET SESSION unique_checks = 0, foreign_key_checks = 0") ||
	    seed_reference(my, o.seed, hol, n_hol) ||
	    (!o.offices_only && seed_registry(my, &o, hol_days, n_hol)))
		goto out;
	rc = 0;
out:
	if (my)
		mysql_close(my);
	conf_free(cfg);
	return rc;
}
