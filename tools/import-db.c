/*
 * import-db: crs-import's reads and writes (see import-db.h).
 */
#include "config.h"

#include "import-db.h"

#include "import-report.h"
#include "import-time.h"
#include "lifecycle.h"
#include "nid.h"
#include "tooldb.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETRIES 3
/* A deadlock or lock wait: roll back and try the row again. */
#define IMP_RETRY IMP_CODE_COUNT

/* Result columns fetched as text. */
#define MAX_COLS 6
struct cols {
	MYSQL_BIND b[MAX_COLS];
	char v[MAX_COLS][48];
	unsigned long len[MAX_COLS];
	my_bool null[MAX_COLS];
	my_bool err[MAX_COLS];
};

/* What the application table holds for a row. */
struct existing {
	int ref_found, nid_found;
	char ref_nid[11];
	char nid_legacy[PORTAL_REF_MAX + 1];
};

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
static enum import_code stmt_fail(struct import_db *db, MYSQL_STMT *st,
				  const char *what, char *detail, size_t dsz)
{
	unsigned e = mysql_stmt_errno(st);

	snprintf(detail, dsz, "%s: %u %s", what, e, mysql_stmt_error(st));
	nid_mask_text(detail);
	mysql_rollback(db->my);
	if (fatal_errno(e))
		db->fatal = 1;
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

static enum import_code load_existing(struct import_db *db,
				      const struct import_row *row,
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
	if (mysql_stmt_bind_param(db->existing, p) ||
	    mysql_stmt_execute(db->existing) ||
	    fetch_all(db->existing, &cols, existing_row, x))
		return stmt_fail(db, db->existing, "SELECT application", detail, dsz);
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

static enum import_code insert_row(struct import_db *db, struct write_args *w,
				   char *detail, size_t dsz)
{
	const struct import_row *row = w->row;
	MYSQL_BIND p[17], q[6];
	unsigned long len[17], qlen[5];
	signed char need[4];
	my_bool need_null[4];
	const char *stage = row->needs_complete ? "details_done" : "entered";
	unsigned long long id;
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
	tooldb_bind_text(&p[14], db->now_sql, &len[14]);
	tooldb_bind_text(&p[15], db->now_sql, &len[15]);
	tooldb_bind_text(&p[16], row->nid, &len[16]);
	if (mysql_stmt_bind_param(db->insert, p) || mysql_stmt_execute(db->insert))
		return stmt_fail(db, db->insert, "INSERT INTO application", detail,
				 dsz);
	/* As crsd's life_begin: the "created" audit row and the count. */
	id = mysql_stmt_insert_id(db->insert);
	tooldb_bind_text(&q[0], "system", &qlen[0]);
	tooldb_bind_text(&q[1], "crs-import", &qlen[1]);
	tooldb_bind_text(&q[2], db->now_sql, &qlen[2]);
	memset(&q[3], 0, sizeof(q[3]));
	q[3].buffer_type = MYSQL_TYPE_NULL;     /* no request */
	tooldb_bind_text(&q[4], row->portal_ref, &qlen[4]);
	memset(&q[5], 0, sizeof(q[5]));
	q[5].buffer_type = MYSQL_TYPE_LONGLONG;
	q[5].buffer = &id;
	q[5].is_unsigned = 1;
	if (mysql_stmt_bind_param(db->event, q) || mysql_stmt_execute(db->event))
		return stmt_fail(db, db->event, "INSERT INTO application_event", detail, dsz);
	if (mysql_stmt_bind_param(db->count, &q[5]) || mysql_stmt_execute(db->count))
		return stmt_fail(db, db->count, "INSERT INTO life_count", detail, dsz);
	if (mysql_commit(db->my)) {
		unsigned e = mysql_errno(db->my);

		snprintf(detail, dsz, "COMMIT: %u %s", e, mysql_error(db->my));
		nid_mask_text(detail);
		mysql_rollback(db->my);
		if (fatal_errno(e))
			db->fatal = 1;
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
static enum import_code check_and_write(struct import_db *db,
					struct write_args *w, char *detail,
					size_t dsz)
{
	const struct import_row *row = w->row;
	struct person_fetch f;
	struct existing x;
	MYSQL_BIND p[1];
	unsigned long len;
	struct cols cols;
	enum import_code code;

	code = load_existing(db, row, &x, detail, dsz);
	if (code != IMP_OK)
		return code;
	code = classify_existing(row, &x, detail, dsz);
	if (code != IMP_OK) {
		mysql_rollback(db->my);
		return code;
	}
	memset(&f, 0, sizeof(f));
	tooldb_bind_text(&p[0], row->nid, &len);
	bind_cols(&cols, 6);
	if (mysql_stmt_bind_param(db->person, p) ||
	    mysql_stmt_execute(db->person) ||
	    fetch_all(db->person, &cols, person_row, &f))
		return stmt_fail(db, db->person, "SELECT registry_person", detail,
				 dsz);
	if (!f.found) {
		mysql_rollback(db->my);
		return IMP_NOT_IN_REGISTRY;
	}
	if (f.bad) {
		snprintf(detail, dsz, "unreadable registry_person row");
		mysql_rollback(db->my);
		return IMP_DB_ERROR;
	}
	code = import_check_person(row, &f.p, &db->rules);
	if (code == IMP_OK)
		code = import_lunar(row, &db->rules, w->lunar);
	if (code != IMP_OK || db->dry_run) {
		mysql_rollback(db->my);
		return code;
	}
	code = insert_row(db, w, detail, dsz);
	if (code == IMP_DB_ERROR && !db->fatal &&
	    mysql_stmt_errno(db->insert) == ER_DUP_ENTRY) {
		/* Someone (crsd, another import) got there first: say who. */
		char d2[256] = "";
		enum import_code again = load_existing(db, row, &x, d2, sizeof(d2));

		mysql_rollback(db->my);
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

enum import_code import_db_row(struct import_db *db,
			       const struct import_row *row, char *detail,
			       size_t dsz)
{
	struct write_args w;
	enum import_code code = IMP_DB_ERROR;
	int attempt;

	memset(&w, 0, sizeof(w));
	w.row = row;
	for (attempt = 0; attempt < RETRIES && !db->fatal; attempt++) {
		detail[0] = '\0';
		code = check_and_write(db, &w, detail, dsz);
		if (code != IMP_RETRY)
			return code;
	}
	return IMP_DB_ERROR;
}

static int load_holidays(struct import_db *db)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t n = 0;

	if (mysql_query(db->my, "SELECT day FROM holiday ORDER BY day"))
		return tooldb_error(db->my, "SELECT holiday");
	res = mysql_store_result(db->my);
	if (!res)
		return tooldb_error(db->my, "SELECT holiday");
	db->holidays = calloc((size_t)mysql_num_rows(res) + 1,
			      sizeof(*db->holidays));
	if (!db->holidays) {
		mysql_free_result(res);
		import_say("out of memory");
		return -1;
	}
	while ((row = mysql_fetch_row(res)))
		if (row[0] && import_sql_date_to_jdn(row[0], &db->holidays[n]) == 0)
			n++;
	mysql_free_result(res);
	db->rules.holidays = db->holidays;
	db->rules.n_holidays = n;
	return 0;
}

static int load_months(struct import_db *db)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t n = 0, bad = 0;

	if (mysql_query(db->my, "SELECT year, month, day1 FROM hijri_month_start"
			       " ORDER BY year, month"))
		return tooldb_error(db->my, "SELECT hijri_month_start");
	res = mysql_store_result(db->my);
	if (!res)
		return tooldb_error(db->my, "SELECT hijri_month_start");
	db->months = calloc((size_t)mysql_num_rows(res) + 1, sizeof(*db->months));
	if (!db->months) {
		mysql_free_result(res);
		import_say("out of memory");
		return -1;
	}
	while ((row = mysql_fetch_row(res))) {
		if (!row[0] || !row[1] || !row[2] ||
		    import_sql_date_to_jdn(row[2], &db->months[n].jdn))
			continue;
		db->months[n].year = atoi(row[0]);
		db->months[n].month = atoi(row[1]);
		n++;
	}
	mysql_free_result(res);
	/* End the read-only transaction these reads opened. */
	mysql_rollback(db->my);
	if (hijri_overrides_check(db->months, n, &bad) != HIJRI_OK) {
		import_say("hijri_month_start is not a valid table (entry %zu: "
			   "%d/%d); the site cannot offer lunar dates either: "
			   "fix it first", bad, bad < n ? db->months[bad].year : 0,
			   bad < n ? db->months[bad].month : 0);
		return -1;
	}
	db->rules.months = db->months;
	db->rules.n_months = n;
	return 0;
}

int import_db_load_calendars(struct import_db *db)
{
	return load_holidays(db) || load_months(db) ? -1 : 0;
}

int import_db_prepare(struct import_db *db)
{
	db->person = tooldb_prepare(db->my,
		"SELECT serial, prev_serial, serial_changed_at, birth_date,"
		" gender, alive FROM registry_person WHERE national_id = ?",
		"prepare the registry lookup");
	db->existing = tooldb_prepare(db->my,
		"SELECT 1, national_id, legacy_ref FROM application"
		" WHERE legacy_ref = ?"
		" UNION ALL "
		"SELECT 2, national_id, legacy_ref FROM application"
		" WHERE national_id = ?",
		"prepare the application lookup");
	db->insert = tooldb_prepare(db->my,
		"INSERT INTO application (national_id, serial, stage, birth_date,"
		" birth_date_lunar, gender, religion, mother_name, mobile,"
		" can_leave_home, can_climb_stairs, pupils_visible, fingers_intact,"
		" legacy_ref, created_at, updated_at, city_code)"
		" SELECT ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, COALESCE(city_code, '')"
		" FROM registry_person WHERE national_id = ?",
		"prepare the application insert");
	db->event = tooldb_prepare(db->my, LIFE_SQL_EVENT_NEW,
		"prepare the application's audit row");
	db->count = tooldb_prepare(db->my, LIFE_SQL_COUNT_NEW,
		"prepare the application's count");
	return db->person && db->existing && db->insert && db->event && db->count
	       ? 0 : -1;
}

void import_db_close(struct import_db *db)
{
	if (db->person)
		mysql_stmt_close(db->person);
	if (db->existing)
		mysql_stmt_close(db->existing);
	if (db->insert)
		mysql_stmt_close(db->insert);
	if (db->event)
		mysql_stmt_close(db->event);
	if (db->count)
		mysql_stmt_close(db->count);
	if (db->my)
		mysql_close(db->my);
	free(db->holidays);
	free(db->months);
}
