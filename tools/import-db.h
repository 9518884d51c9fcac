/*
 * import-db: what crs-import reads from and writes to the database (SPEC
 * §3.9): the calendars the checks need (holidays, Hijri month starts), the
 * prepared statements, and each good row's transaction: what the
 * application table holds already, the civil registry's record, then the
 * INSERT and COMMIT.  Every refusal comes before the write and any failure
 * rolls the row back, so a refused row changes nothing.
 */
#ifndef CRS_IMPORT_DB_H
#define CRS_IMPORT_DB_H

#include "hijri.h"
#include "import-checks.h"
#include "import-codes.h"
#include "import-row.h"

#include <mysql.h>
#include <stddef.h>
#include <stdint.h>

struct import_db {
	MYSQL *my;                 /* autocommit off: a transaction per row */
	MYSQL_STMT *person, *existing, *insert, *event, *count;
	/* The caller sets the settings and the clock; the calendars come
	 * from import_db_load_calendars. */
	struct import_rules rules;
	int32_t *holidays;
	struct hijri_month_start *months;
	int dry_run;               /* check every row, write nothing */
	int fatal;                 /* the connection is gone: stop */
	char now_sql[24];          /* created_at and updated_at of a new row */
};

/*
 * Read the holidays and the Hijri month starts into db->rules (and end the
 * read-only transaction that opened).  0, or -1 said on stderr; a month
 * table the site could not use either is refused.
 */
int import_db_load_calendars(struct import_db *db);

/* Prepare the statements: 0, or -1 said on stderr. */
int import_db_prepare(struct import_db *db);

/*
 * The database part of one parsed row, retried on a deadlock or lock wait:
 * IMP_OK (imported, or would be on a dry run), the refusal, or
 * IMP_DB_ERROR.  detail (dsz bytes) says what the database holds or what
 * failed, national IDs masked; "" when there is nothing to add.  A lost
 * connection sets db->fatal: the caller stops.
 */
enum import_code import_db_row(struct import_db *db,
			       const struct import_row *row, char *detail,
			       size_t dsz);

/* Close the statements and the connection; free the calendars. */
void import_db_close(struct import_db *db);

#endif /* CRS_IMPORT_DB_H */
