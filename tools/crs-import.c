/*
 * crs-import: imports the requests citizens filed in the old Portal (SPEC
 * §3.9, seed 001 §2.5) as applications of this system, which then behave
 * like any other.  It connects with the [db] section of the crsd
 * configuration and reads [plugin.registration] for the site's rules.
 *
 *   crs-import -c CONF FILE.csv [--report REPORT.csv] [--dry-run] [--now ISO]
 *
 * The CSV is read as a stream, one record at a time.  Each row is checked
 * as the site checks a citizen (national ID, serial, the civil registry,
 * age, birth date, gender, lunar date, mother's name, mobile, needs); a
 * good row is written in a transaction of its own, a bad one is listed in
 * the report and changes nothing.  Idempotent: legacy_ref (the Portal's
 * request id) is unique, so a second run reports "already imported", and a
 * citizen who has an application already keeps it as it is.
 *
 * Exit status: 0 every row imported or imported before; 1 some rows were
 * not imported (see the report); 2 usage, configuration, input or database
 * connection errors.
 */
#include "config.h"

#include "conf.h"
#include "hijri.h"
#include "import-csv.h"
#include "jalali.h"
#include "nid.h"
#include "tooldb.h"

#include <errmsg.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PROGRESS_ROWS 100000
#define FLUSH_ROWS 1000
#define RETRIES 3
/* A deadlock or lock wait: roll back and try the row again. */
#define IMP_RETRY IMP_CODE_COUNT

struct opts {
	const char *conf;
	const char *input;
	const char *report;
	const char *now;
	int dry_run;
	int help;
};

/* Result columns fetched as text. */
#define MAX_COLS 6
struct cols {
	MYSQL_BIND b[MAX_COLS];
	char v[MAX_COLS][48];
	unsigned long len[MAX_COLS];
	my_bool null[MAX_COLS];
	my_bool err[MAX_COLS];
};

struct ctx {
	MYSQL *my;
	MYSQL_STMT *person, *existing, *insert;
	struct import_rules rules;
	int32_t *holidays;
	struct hijri_month_start *months;
	struct import_header hdr;
	FILE *report;
	int dry_run;
	int fatal;                 /* the connection is gone: stop */
	char now_sql[24];
	unsigned long rows, imported, already, refused, has_app, db_errors;
};

/* What the application table holds for a row. */
struct existing {
	int ref_found, nid_found;
	char ref_nid[11];
	char nid_legacy[PORTAL_REF_MAX + 1];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: crs-import -c CONF FILE.csv [--report REPORT.csv] [--dry-run]\n"
		"                  [--now ISO-8601]\n"
		"  -c, --config CONF   crsd configuration: [db] to connect,\n"
		"                      [plugin.registration] for the site's rules\n"
		"  FILE.csv            the Portal's requests, UTF-8, header row first\n"
		"                      ('-' reads standard input)\n"
		"  --report FILE       write the report there (default: standard output)\n"
		"  --dry-run           check every row, write nothing\n"
		"  --now ISO           the instant the checks use (default: the system\n"
		"                      clock); for a stack on a test clock\n"
		"Columns (any order): portal_ref national_id serial birth_date_solar\n"
		"gender religion mother_name mobile; optional: can_leave_home\n"
		"can_climb_stairs pupils_visible fingers_intact birth_date_lunar.\n"
		"Exit status: 0 all imported or already, 1 some rows refused, 2 error.\n");
}

/* A message that may quote values: national IDs masked. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nid_mask_text(buf);
	fprintf(stderr, "crs-import: %s\n", buf);
}

static int fatal_errno(unsigned e)
{
	return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

static void bind_cols(struct cols *c, unsigned n)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++) {
		c->b[i].buffer_type = MYSQL_TYPE_STRING;
		c->b[i].buffer = c->v[i];
		c->b[i].buffer_length = sizeof(c->v[i]) - 1;
		c->b[i].length = &c->len[i];
		c->b[i].is_null = &c->null[i];
		c->b[i].error = &c->err[i];
	}
}

/* Copy src into dst[n], cut if it must be. */
static void copy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The column as a C string ("" for NULL). */
static const char *colv(struct cols *c, unsigned i)
{
	size_t n = c->len[i] < sizeof(c->v[i]) ? c->len[i] : sizeof(c->v[i]) - 1;

	if (c->null[i])
		return "";
	c->v[i][n] = '\0';
	return c->v[i];
}

/*
 * A statement failed: roll the row back.  Client errors (connection lost)
 * stop the run; deadlocks and lock waits are retried.
 */
static enum import_code stmt_fail(struct ctx *c, MYSQL_STMT *st,
				  const char *what, char *detail, size_t dsz)
{
	unsigned e = mysql_stmt_errno(st);

	snprintf(detail, dsz, "%s: %u %s", what, e, mysql_stmt_error(st));
	nid_mask_text(detail);
	mysql_rollback(c->my);
	if (fatal_errno(e))
		c->fatal = 1;
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return IMP_RETRY;
	return IMP_DB_ERROR;
}

static int fetch_all(MYSQL_STMT *st, struct cols *c,
		     void (*row)(struct cols *c, void *arg), void *arg)
{
	int rc;

	if (mysql_stmt_bind_result(st, c->b))
		return -1;
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED)
		row(c, arg);
	mysql_stmt_free_result(st);
	return rc == MYSQL_NO_DATA ? 0 : -1;
}

static void existing_row(struct cols *c, void *arg)
{
	struct existing *x = arg;

	if (strcmp(colv(c, 0), "1") == 0) {
		x->ref_found = 1;
		copy(x->ref_nid, sizeof(x->ref_nid), colv(c, 1));
	} else {
		x->nid_found = 1;
		copy(x->nid_legacy, sizeof(x->nid_legacy), colv(c, 2));
	}
}

static enum import_code load_existing(struct ctx *c, const struct import_row *row,
				      struct existing *x, char *detail,
				      size_t dsz)
{
	MYSQL_BIND p[2];
	unsigned long len[2];
	struct cols cols;

	memset(x, 0, sizeof(*x));
	tooldb_bind_text(&p[0], row->portal_ref, &len[0]);
	tooldb_bind_text(&p[1], row->nid, &len[1]);
	bind_cols(&cols, 3);
	if (mysql_stmt_bind_param(c->existing, p) ||
	    mysql_stmt_execute(c->existing) ||
	    fetch_all(c->existing, &cols, existing_row, x))
		return stmt_fail(c, c->existing, "SELECT application", detail, dsz);
	return IMP_OK;
}

struct person_fetch {
	struct import_person p;
	int found, bad;
};

static void person_row(struct cols *c, void *arg)
{
	struct person_fetch *f = arg;
	const char *changed = colv(c, 2);

	f->found = 1;
	copy(f->p.serial, sizeof(f->p.serial), colv(c, 0));
	copy(f->p.prev_serial, sizeof(f->p.prev_serial), colv(c, 1));
	f->p.changed_ms = 0;
	if (changed[0] && import_sql_time_to_ms(changed, &f->p.changed_ms))
		f->bad = 1;
	if (import_sql_date_to_jdn(colv(c, 3), &f->p.birth_jdn))
		f->bad = 1;
	copy(f->p.gender, sizeof(f->p.gender), colv(c, 4));
	f->p.alive = strcmp(colv(c, 5), "0") != 0;
}

/* The row's lunar date, filled in by check_and_write for the INSERT. */
struct write_args {
	const struct import_row *row;
	char lunar[HIJRI_FMT_SIZE];
};

static enum import_code insert_row(struct ctx *c, struct write_args *w,
				   char *detail, size_t dsz)
{
	const struct import_row *row = w->row;
	MYSQL_BIND p[16];
	unsigned long len[16];
	signed char need[4];
	my_bool need_null[4];
	const char *stage = row->needs_complete ? "details_done" : "entered";
	int i;

	tooldb_bind_text(&p[0], row->nid, &len[0]);
	tooldb_bind_text(&p[1], row->serial, &len[1]);
	tooldb_bind_text(&p[2], stage, &len[2]);
	tooldb_bind_text(&p[3], row->birth_sql, &len[3]);
	tooldb_bind_text(&p[4], w->lunar, &len[4]);
	tooldb_bind_text(&p[5], row->gender, &len[5]);
	tooldb_bind_text(&p[6], row->religion, &len[6]);
	tooldb_bind_text(&p[7], row->mother_name, &len[7]);
	tooldb_bind_text(&p[8], row->mobile, &len[8]);
	for (i = 0; i < 4; i++) {
		MYSQL_BIND *b = &p[9 + i];

		need[i] = (signed char)(row->needs[i] > 0);
		need_null[i] = row->needs[i] < 0;
		memset(b, 0, sizeof(*b));
		b->buffer_type = MYSQL_TYPE_TINY;
		b->buffer = &need[i];
		b->is_null = &need_null[i];
	}
	tooldb_bind_text(&p[13], row->portal_ref, &len[13]);
	tooldb_bind_text(&p[14], c->now_sql, &len[14]);
	tooldb_bind_text(&p[15], c->now_sql, &len[15]);
	if (mysql_stmt_bind_param(c->insert, p) || mysql_stmt_execute(c->insert))
		return stmt_fail(c, c->insert, "INSERT INTO application", detail,
				 dsz);
	if (mysql_commit(c->my)) {
		unsigned e = mysql_errno(c->my);

		snprintf(detail, dsz, "COMMIT: %u %s", e, mysql_error(c->my));
		nid_mask_text(detail);
		mysql_rollback(c->my);
		if (fatal_errno(e))
			c->fatal = 1;
		return e == ER_LOCK_DEADLOCK ? IMP_RETRY : IMP_DB_ERROR;
	}
	return IMP_OK;
}

/* "already" or "has an application": say what the database holds. */
static enum import_code classify_existing(const struct import_row *row,
					  const struct existing *x, char *detail,
					  size_t dsz)
{
	enum import_code code = import_existing(row->nid, x->ref_found,
						x->ref_nid, x->nid_found);

	if (code == IMP_HAS_APPLICATION)
		snprintf(detail, dsz, "%s%s", x->nid_legacy[0]
			 ? "imported before from portal_ref " : "filed on the site",
			 x->nid_legacy);
	return code;
}

/*
 * One row's database part, in one transaction: what exists already, the
 * civil registry, then the INSERT and COMMIT.  Every refusal comes before
 * the write; any failure rolls the row back.
 */
static enum import_code check_and_write(struct ctx *c, struct write_args *w,
					char *detail, size_t dsz)
{
	const struct import_row *row = w->row;
	struct person_fetch f;
	struct existing x;
	MYSQL_BIND p[1];
	unsigned long len;
	struct cols cols;
	enum import_code code;

	code = load_existing(c, row, &x, detail, dsz);
	if (code != IMP_OK)
		return code;
	code = classify_existing(row, &x, detail, dsz);
	if (code != IMP_OK) {
		mysql_rollback(c->my);
		return code;
	}
	memset(&f, 0, sizeof(f));
	tooldb_bind_text(&p[0], row->nid, &len);
	bind_cols(&cols, 6);
	if (mysql_stmt_bind_param(c->person, p) ||
	    mysql_stmt_execute(c->person) ||
	    fetch_all(c->person, &cols, person_row, &f))
		return stmt_fail(c, c->person, "SELECT registry_person", detail,
				 dsz);
	if (!f.found) {
		mysql_rollback(c->my);
		return IMP_NOT_IN_REGISTRY;
	}
	if (f.bad) {
		snprintf(detail, dsz, "unreadable registry_person row");
		mysql_rollback(c->my);
		return IMP_DB_ERROR;
	}
	code = import_check_person(row, &f.p, &c->rules);
	if (code == IMP_OK)
		code = import_lunar(row, &c->rules, w->lunar);
	if (code != IMP_OK || c->dry_run) {
		mysql_rollback(c->my);
		return code;
	}
	code = insert_row(c, w, detail, dsz);
	if (code == IMP_DB_ERROR && !c->fatal &&
	    mysql_stmt_errno(c->insert) == ER_DUP_ENTRY) {
		/* Someone (crsd, another import) got there first: say who. */
		char d2[256] = "";
		enum import_code again = load_existing(c, row, &x, d2, sizeof(d2));

		mysql_rollback(c->my);
		if (again == IMP_OK) {
			again = classify_existing(row, &x, d2, sizeof(d2));
			if (again != IMP_OK) {
				snprintf(detail, dsz, "%s", d2);
				return again;
			}
		}
	}
	return code;
}

static enum import_code db_row(struct ctx *c, struct write_args *w,
			       char *detail, size_t dsz)
{
	enum import_code code = IMP_DB_ERROR;
	int attempt;

	for (attempt = 0; attempt < RETRIES && !c->fatal; attempt++) {
		detail[0] = '\0';
		code = check_and_write(c, w, detail, dsz);
		if (code != IMP_RETRY)
			return code;
	}
	return IMP_DB_ERROR;
}

static const char *raw_field(const struct csv_reader *r,
			     const struct import_header *h, enum import_col col)
{
	int i = h->idx[col];

	return i >= 0 && (size_t)i < r->nfields ? r->field[i] : "";
}

static void process_row(struct ctx *c, struct csv_reader *r, int status)
{
	struct import_row row;
	struct write_args w;
	enum import_code code;
	enum import_col bad_col = COL_COUNT;
	char detail[512] = "", fa[1024], en[1024], ref[80], nid[11], masked[11];
	const char *result;

	c->rows++;
	memset(&row, 0, sizeof(row));
	if (status == CSV_BAD)
		code = r->bad;
	else if (r->nfields != c->hdr.nfields)
		code = IMP_CSV_FIELD_COUNT;
	else
		code = import_row_parse(r->field, r->nfields, &c->hdr, &row,
					&bad_col);
	if (code == IMP_OK) {
		memset(&w, 0, sizeof(w));
		w.row = &row;
		code = db_row(c, &w, detail, sizeof(detail));
	}

	import_report_ref(raw_field(r, &c->hdr, COL_PORTAL_REF), ref, sizeof(ref));
	if (nid_normalize(raw_field(r, &c->hdr, COL_NATIONAL_ID), nid) ==
	    NID_EFORMAT)
		nid[0] = '\0';
	nid_mask(nid, masked);

	switch (code) {
	case IMP_OK:
		result = c->dry_run ? "would_import" : "imported";
		c->imported++;
		if (row.needs_complete) {
			snprintf(fa, sizeof(fa), "%s؛ مرحله: مشخصات کامل؛ گام بعد: "
				 "انتخاب دفتر و زمان.", c->dry_run
				 ? "قابل انتقال است (اجرای آزمایشی)" : "منتقل شد");
			snprintf(en, sizeof(en), "OK: %s as details_done; next: "
				 "appointment", c->dry_run ? "would be imported"
							   : "imported");
		} else {
			snprintf(fa, sizeof(fa), "%s؛ پاسخ پرسش‌های تکمیل ثبت نام خاص "
				 "کامل نیست و شهروند آن‌ها را در سایت می‌دهد؛ گام بعد: "
				 "مشخصات.", c->dry_run
				 ? "قابل انتقال است (اجرای آزمایشی)" : "منتقل شد");
			snprintf(en, sizeof(en), "OK: %s as entered (special-needs "
				 "answers missing); next: details", c->dry_run
				 ? "would be imported" : "imported");
		}
		break;
	case IMP_ALREADY_IMPORTED:
		result = "already_imported";
		c->already++;
		break;
	case IMP_HAS_APPLICATION:
		result = "has_application";
		c->has_app++;
		c->refused++;
		break;
	case IMP_DB_ERROR:
		result = "db_error";
		c->db_errors++;
		c->refused++;
		break;
	default:
		result = "refused";
		c->refused++;
		break;
	}
	if (code != IMP_OK) {
		const char *name = import_code_name(code);

		if (code <= IMP_CSV_FIELD_COUNT) {
			snprintf(fa, sizeof(fa), "%s (سطر %lu پرونده)",
				 import_reason_fa(code), r->rec_line);
			snprintf(en, sizeof(en), "%s: %s (line %lu)", name,
				 import_reason_en(code), r->rec_line);
		} else if (code < IMP_NOT_IN_REGISTRY && bad_col < COL_COUNT) {
			snprintf(fa, sizeof(fa), "%s (ستون %s)",
				 import_reason_fa(code), import_col_name(bad_col));
			snprintf(en, sizeof(en), "%s: %s (column %s)", name,
				 import_reason_en(code), import_col_name(bad_col));
		} else {
			snprintf(fa, sizeof(fa), "%s", import_reason_fa(code));
			snprintf(en, sizeof(en), "%s: %s%s%s%s", name,
				 import_reason_en(code), detail[0] ? " (" : "",
				 detail, detail[0] ? ")" : "");
		}
	}
	import_report_row(c->report, r->records, ref, masked, result, fa, en);
	if (c->rows % FLUSH_ROWS == 0)
		fflush(c->report);
	if (c->rows % PROGRESS_ROWS == 0)
		say("%lu rows: %lu %s, %lu already, %lu refused", c->rows,
		    c->imported, c->dry_run ? "would be imported" : "imported",
		    c->already, c->refused);
}

static int load_holidays(struct ctx *c)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t n = 0;

	if (mysql_query(c->my, "SELECT day FROM holiday ORDER BY day"))
		return tooldb_error(c->my, "SELECT holiday");
	res = mysql_store_result(c->my);
	if (!res)
		return tooldb_error(c->my, "SELECT holiday");
	c->holidays = calloc((size_t)mysql_num_rows(res) + 1,
			     sizeof(*c->holidays));
	if (!c->holidays) {
		mysql_free_result(res);
		say("out of memory");
		return -1;
	}
	while ((row = mysql_fetch_row(res)))
		if (row[0] && import_sql_date_to_jdn(row[0], &c->holidays[n]) == 0)
			n++;
	mysql_free_result(res);
	c->rules.holidays = c->holidays;
	c->rules.n_holidays = n;
	return 0;
}

static int load_months(struct ctx *c)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t n = 0, bad = 0;

	if (mysql_query(c->my, "SELECT year, month, day1 FROM hijri_month_start"
			       " ORDER BY year, month"))
		return tooldb_error(c->my, "SELECT hijri_month_start");
	res = mysql_store_result(c->my);
	if (!res)
		return tooldb_error(c->my, "SELECT hijri_month_start");
	c->months = calloc((size_t)mysql_num_rows(res) + 1, sizeof(*c->months));
	if (!c->months) {
		mysql_free_result(res);
		say("out of memory");
		return -1;
	}
	while ((row = mysql_fetch_row(res))) {
		if (!row[0] || !row[1] || !row[2] ||
		    import_sql_date_to_jdn(row[2], &c->months[n].jdn))
			continue;
		c->months[n].year = atoi(row[0]);
		c->months[n].month = atoi(row[1]);
		n++;
	}
	mysql_free_result(res);
	/* End the read-only transaction these reads opened. */
	mysql_rollback(c->my);
	if (hijri_overrides_check(c->months, n, &bad) != HIJRI_OK) {
		say("hijri_month_start is not a valid table (entry %zu: %d/%d); "
		    "the site cannot offer lunar dates either: fix it first",
		    bad, bad < n ? c->months[bad].year : 0,
		    bad < n ? c->months[bad].month : 0);
		return -1;
	}
	c->rules.months = c->months;
	c->rules.n_months = n;
	return 0;
}

static int prepare_all(struct ctx *c)
{
	c->person = tooldb_prepare(c->my,
		"SELECT serial, prev_serial, serial_changed_at, birth_date,"
		" gender, alive FROM registry_person WHERE national_id = ?",
		"prepare the registry lookup");
	c->existing = tooldb_prepare(c->my,
		"SELECT 1, national_id, legacy_ref FROM application"
		" WHERE legacy_ref = ?"
		" UNION ALL "
		"SELECT 2, national_id, legacy_ref FROM application"
		" WHERE national_id = ?",
		"prepare the application lookup");
	c->insert = tooldb_prepare(c->my,
		"INSERT INTO application (national_id, serial, stage, birth_date,"
		" birth_date_lunar, gender, religion, mother_name, mobile,"
		" can_leave_home, can_climb_stairs, pupils_visible, fingers_intact,"
		" legacy_ref, created_at, updated_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"prepare the application insert");
	return c->person && c->existing && c->insert ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "report", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf = optarg;
			break;
		case 'r':
			o->report = optarg;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 't':
			o->now = optarg;
			break;
		case 'h':
			o->help = 1;
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->conf || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o->input = argv[optind];
	return 0;
}

static int rules_from_conf(struct ctx *c, const struct conf *cfg,
			   const struct opts *o)
{
	int64_t hours;
	char err[256];
	struct timespec ts;

	if (conf_get_int(cfg, "plugin.registration", "min_age_years", 15, 0, 120,
			 &c->rules.min_age_years, err, sizeof(err)) ||
	    conf_get_int(cfg, "plugin.registration", "serial_wait_working_hours",
			 48, 0, 10000, &hours, err, sizeof(err))) {
		say("%s", err);
		return -1;
	}
	c->rules.serial_wait_seconds = hours * 3600;
	if (o->now) {
		if (import_parse_iso(o->now, &c->rules.now_ms)) {
			say("--now wants an ISO 8601 instant such as "
			    "2025-03-01T10:00:00Z or 2025-03-01T13:30:00+03:30");
			return -1;
		}
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		c->rules.now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	import_ms_to_sql_time(c->rules.now_ms, c->now_sql);
	return 0;
}

/* The header record: 0, or -1 (said why). */
static int read_header(struct ctx *c, struct csv_reader *r, const char *name)
{
	char err[600], unknown[512];
	int st = csv_next(r);

	if (st == CSV_EOF) {
		say("%s: empty file: a header row is required", name);
		return -1;
	}
	if (st == CSV_EIO) {
		say("%s: read error: %s", name, strerror(errno));
		return -1;
	}
	if (st == CSV_BAD) {
		say("%s: the header row is not valid CSV: %s", name,
		    import_reason_en(r->bad));
		return -1;
	}
	if (import_header_map(r->field, r->nfields, &c->hdr, err, sizeof(err),
			      unknown, sizeof(unknown))) {
		say("%s: %s", name, err);
		return -1;
	}
	if (c->hdr.unknown)
		say("ignoring unknown column(s): %s", unknown);
	return 0;
}

/* Whether path names the file `in` reads (so opening it "w" would
 * truncate the input). */
static int same_file(FILE *in, const char *path)
{
	struct stat a, b;

	return fstat(fileno(in), &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int main(int argc, char **argv)
{
	struct csv_reader r;
	struct conf *cfg = NULL;
	struct ctx c;
	struct opts o;
	FILE *in = NULL;
	char err[256];
	int rc = 2, st = CSV_EOF, reader_open = 0;

	memset(&c, 0, sizeof(c));
	tooldb_set_name("crs-import");
	rc = parse_args(argc, argv, &o);
	if (rc || o.help) {
		if (o.help)
			usage(stdout);
		return rc;
	}
	rc = 2;
	c.dry_run = o.dry_run;
	cfg = conf_load(o.conf, err, sizeof(err));
	if (!cfg) {
		say("%s: %s", o.conf, err);
		return 2;
	}
	if (rules_from_conf(&c, cfg, &o))
		goto out;
	in = strcmp(o.input, "-") == 0 ? stdin : fopen(o.input, "rb");
	if (!in) {
		say("%s: %s", o.input, strerror(errno));
		goto out;
	}
	if (csv_open(&r, in, 0, 0)) {
		say("out of memory");
		goto out;
	}
	reader_open = 1;
	if (read_header(&c, &r, o.input))
		goto out;
	if (o.report && same_file(in, o.report)) {
		say("%s: the report would overwrite the input", o.report);
		goto out;
	}
	c.report = o.report ? fopen(o.report, "w") : stdout;
	if (!c.report) {
		say("%s: %s", o.report, strerror(errno));
		goto out;
	}
	c.my = tooldb_connect(cfg);
	/* One transaction per row, committed by hand. */
	if (c.my && mysql_autocommit(c.my, 0)) {
		tooldb_error(c.my, "autocommit off");
		mysql_close(c.my);
		c.my = NULL;
	}
	if (!c.my || load_holidays(&c) || load_months(&c) || prepare_all(&c))
		goto out;

	import_report_header(c.report);
	while (!c.fatal) {
		st = csv_next(&r);
		if (st == CSV_EOF || st == CSV_EIO)
			break;
		process_row(&c, &r, st);
	}
	if (c.dry_run)
		say("dry run: nothing written");
	fprintf(stderr, "%simported %lu, already %lu, refused %lu\n",
		c.dry_run ? "dry run: would have " : "", c.imported, c.already,
		c.refused);
	if (c.has_app || c.db_errors)
		fprintf(stderr, "  of the refused: %lu with an application already, "
			"%lu database errors\n", c.has_app, c.db_errors);
	if (c.fatal) {
		say("lost the database connection after row %lu; the rows before "
		    "are in the report; run again: rows already imported are "
		    "skipped", r.records);
		goto out;
	}
	if (st == CSV_EIO) {
		say("%s: read error after row %lu: %s", o.input, r.records,
		    strerror(errno));
		goto out;
	}
	rc = c.refused ? 1 : 0;
out:
	if (c.report) {
		if (fflush(c.report) || ferror(c.report)) {
			say("%s: cannot write the report", o.report ? o.report
								 : "stdout");
			rc = 2;
		}
		if (c.report != stdout && fclose(c.report)) {
			say("%s: cannot write the report", o.report);
			rc = 2;
		}
	}
	if (c.person)
		mysql_stmt_close(c.person);
	if (c.existing)
		mysql_stmt_close(c.existing);
	if (c.insert)
		mysql_stmt_close(c.insert);
	if (c.my)
		mysql_close(c.my);
	free(c.holidays);
	free(c.months);
	if (reader_open)
		csv_close(&r);
	if (in && in != stdin)
		fclose(in);
	conf_free(cfg);
	return rc;
}
