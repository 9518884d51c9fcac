/*
 * import-report: what crs-import says of a run (SPEC §3.9): each record's
 * line in the report (its result and the reasons in Persian and English),
 * the counts, and the messages, progress and summary on standard error.
 * National IDs are masked in all of it.
 */
#ifndef CRS_IMPORT_REPORT_H
#define CRS_IMPORT_REPORT_H

#include "import-codes.h"
#include "import-csv.h"
#include "import-row.h"

#include <stdio.h>

struct import_report {
	FILE *out;                 /* the report's CSV */
	int dry_run;               /* "would be imported" */
	unsigned long rows, imported, already, refused, has_app, db_errors;
};

/* "crs-import: " and the message on standard error, national IDs masked
 * (a message may quote a value). */
void import_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Report the record r has just read, mapped by h, as code: its row number,
 * portal_ref and masked national ID as the file has them, the result and
 * the reasons; bad_col names the value at fault (COL_COUNT for none),
 * needs_complete says an imported row's stage, detail adds the database's
 * words ("" for none).  Counted; the report is flushed now and then and
 * progress said every 100,000 rows.
 */
void import_report_outcome(struct import_report *rep,
			   const struct csv_reader *r,
			   const struct import_header *h, enum import_code code,
			   enum import_col bad_col, int needs_complete,
			   const char *detail);

/* The counts on standard error, at the end of a run. */
void import_report_summary(const struct import_report *rep);

#endif /* CRS_IMPORT_REPORT_H */
