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
 *
 * This file is the program: options, configuration, files and the loop
 * over the records.  The database side is import-db, the report and the
 * messages import-report, the pure checks import-csv and its siblings.
 */
#include "config.h"

#include "conf.h"
#include "import-codes.h"
#include "import-csv.h"
#include "import-db.h"
#include "import-report.h"
#include "import-row.h"
#include "import-time.h"
#include "tooldb.h"

#include <errno.h>
#include <getopt.h>
#include <mysql.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct opts {
	const char *conf;
	const char *input;
	const char *report;
	const char *now;
	int dry_run;
	int help;
};

struct ctx {
	struct import_db db;
	struct import_header hdr;
	struct import_report report;
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

/* One record: its values, then the database, then its line in the report. */
static void process_row(struct ctx *c, struct csv_reader *r, int status)
{
	struct import_row row;
	enum import_code code;
	enum import_col bad_col = COL_COUNT;
	char detail[512] = "";

	memset(&row, 0, sizeof(row));
	if (status == CSV_BAD)
		code = r->bad;
	else if (r->nfields != c->hdr.nfields)
		code = IMP_CSV_FIELD_COUNT;
	else
		code = import_row_parse(r->field, r->nfields, &c->hdr, &row,
					&bad_col);
	if (code == IMP_OK)
		code = import_db_row(&c->db, &row, detail, sizeof(detail));
	import_report_outcome(&c->report, r, &c->hdr, code, bad_col,
			      row.needs_complete, detail);
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
	struct import_rules *rules = &c->db.rules;
	int64_t hours;
	char err[256];
	struct timespec ts;

	if (conf_get_int(cfg, "plugin.registration", "min_age_years", 15, 0, 120,
			 &rules->min_age_years, err, sizeof(err)) ||
	    conf_get_int(cfg, "plugin.registration", "serial_wait_working_hours",
			 48, 0, 10000, &hours, err, sizeof(err))) {
		import_say("%s", err);
		return -1;
	}
	rules->serial_wait_seconds = hours * 3600;
	if (o->now) {
		if (import_parse_iso(o->now, &rules->now_ms)) {
			import_say("--now wants an ISO 8601 instant such as "
				   "2025-03-01T10:00:00Z or "
				   "2025-03-01T13:30:00+03:30");
			return -1;
		}
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		rules->now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	import_ms_to_sql_time(rules->now_ms, c->db.now_sql);
	return 0;
}

/* The header record: 0, or -1 (said why). */
static int read_header(struct ctx *c, struct csv_reader *r, const char *name)
{
	char err[600], unknown[512];
	int st = csv_next(r);

	if (st == CSV_EOF) {
		import_say("%s: empty file: a header row is required", name);
		return -1;
	}
	if (st == CSV_EIO) {
		import_say("%s: read error: %s", name, strerror(errno));
		return -1;
	}
	if (st == CSV_BAD) {
		import_say("%s: the header row is not valid CSV: %s", name,
			   import_reason_en(r->bad));
		return -1;
	}
	if (import_header_map(r->field, r->nfields, &c->hdr, err, sizeof(err),
			      unknown, sizeof(unknown))) {
		import_say("%s: %s", name, err);
		return -1;
	}
	if (c->hdr.unknown)
		import_say("ignoring unknown column(s): %s", unknown);
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
	c.db.dry_run = c.report.dry_run = o.dry_run;
	cfg = conf_load(o.conf, err, sizeof(err));
	if (!cfg) {
		import_say("%s: %s", o.conf, err);
		return 2;
	}
	if (rules_from_conf(&c, cfg, &o))
		goto out;
	in = strcmp(o.input, "-") == 0 ? stdin : fopen(o.input, "rb");
	if (!in) {
		import_say("%s: %s", o.input, strerror(errno));
		goto out;
	}
	if (csv_open(&r, in, 0, 0)) {
		import_say("out of memory");
		goto out;
	}
	reader_open = 1;
	if (read_header(&c, &r, o.input))
		goto out;
	if (o.report && same_file(in, o.report)) {
		import_say("%s: the report would overwrite the input",
			   o.report);
		goto out;
	}
	c.report.out = o.report ? fopen(o.report, "w") : stdout;
	if (!c.report.out) {
		import_say("%s: %s", o.report, strerror(errno));
		goto out;
	}
	c.db.my = tooldb_connect(cfg);
	/* One transaction per row, committed by hand. */
	if (c.db.my && mysql_autocommit(c.db.my, 0)) {
		tooldb_error(c.db.my, "autocommit off");
		mysql_close(c.db.my);
		c.db.my = NULL;
	}
	if (!c.db.my || import_db_load_calendars(&c.db) ||
	    import_db_prepare(&c.db))
		goto out;

	import_report_header(c.report.out);
	while (!c.db.fatal) {
		st = csv_next(&r);
		if (st == CSV_EOF || st == CSV_EIO)
			break;
		process_row(&c, &r, st);
	}
	import_report_summary(&c.report);
	if (c.db.fatal) {
		import_say("lost the database connection after row %lu; the rows "
			   "before are in the report; run again: rows already "
			   "imported are skipped", r.records);
		goto out;
	}
	if (st == CSV_EIO) {
		import_say("%s: read error after row %lu: %s", o.input,
			   r.records, strerror(errno));
		goto out;
	}
	rc = c.report.refused ? 1 : 0;
out:
	if (c.report.out) {
		if (fflush(c.report.out) || ferror(c.report.out)) {
			import_say("%s: cannot write the report",
				   o.report ? o.report : "stdout");
			rc = 2;
		}
		if (c.report.out != stdout && fclose(c.report.out)) {
			import_say("%s: cannot write the report", o.report);
			rc = 2;
		}
	}
	import_db_close(&c.db);
	if (reader_open)
		csv_close(&r);
	if (in && in != stdin)
		fclose(in);
	conf_free(cfg);
	return rc;
}
